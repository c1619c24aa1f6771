/**
 * Dev-only stand-in for Upstash's Redis REST API, so the unmodified
 * `@upstash/redis` client can talk to a local Redis. The wire contract it
 * follows is written down in docs/protocols.md (Upstash section).
 *
 * Redis is spoken through node-redis (`sendCommand`, RESP2, no reply
 * transforms), so replies keep Upstash's raw shapes (HGETALL a flat array,
 * scores as strings).
 */
import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";
import { createClient, createClientPool, ErrorReply, RESP_TYPES } from "redis";
import { ScriptCompat } from "./upstash_scripts.ts";

export interface UpstashBridge {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Command = string[];
type Entry = { result: unknown } | { error: string };

// Bulk and status strings come back as raw bytes: base64 must encode the
// exact bytes Redis holds (SETRANGE/SETBIT can store non-UTF-8), and "OK"
// must be encoded like any other string.
const typeMapping = {
  [RESP_TYPES.BLOB_STRING]: Buffer,
  [RESP_TYPES.SIMPLE_STRING]: Buffer,
} as const;

// Commands that make no sense over stateless REST on shared connections:
// pub/sub and MONITOR/replication never end their reply stream; SELECT,
// HELLO, AUTH, RESET, CLIENT REPLY/TRACKING/CACHING would change the state
// of a connection other requests share; MULTI/EXEC/WATCH cannot span HTTP
// requests (use /multi-exec); blocking commands would stall every request
// behind them on the shared connection. Upstash's streaming /subscribe
// endpoint is not emulated.
// deno-fmt-ignore
const REJECTED = new Set([
  "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe",
  "sunsubscribe", "monitor", "sync", "psync", "replconf", "select", "swapdb",
  "hello", "auth", "reset", "quit", "multi", "exec", "discard", "watch",
  "unwatch", "blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin",
  "bzpopmax", "bzmpop", "wait", "waitaof",
]);
const REJECTED_CLIENT_SUBCOMMANDS = new Set(["reply", "tracking", "caching"]);

function rejection(cmd: Command): string | undefined {
  const name = cmd[0].toLowerCase();
  const blockingRead = (name === "xread" || name === "xreadgroup") &&
    cmd.some((a) => a.toLowerCase() === "block");
  const clientState = name === "client" &&
    REJECTED_CLIENT_SUBCOMMANDS.has((cmd[1] ?? "").toLowerCase());
  if (REJECTED.has(name) || blockingRead || clientState) {
    return `ERR '${
      cmd.slice(0, clientState ? 2 : 1).join(" ")
    }' is not supported by the local Upstash bridge`;
  }
  return undefined;
}

/** One command from JSON: numbers and booleans become strings, like Upstash does. */
function toCommand(value: unknown): Command | string {
  if (!Array.isArray(value) || value.length === 0) {
    return "ERR a command must be a non-empty JSON array";
  }
  const cmd: Command = [];
  for (const arg of value) {
    if (!["string", "number", "boolean"].includes(typeof arg)) {
      return "ERR command arguments must be strings, numbers or booleans";
    }
    cmd.push(String(arg));
  }
  return rejection(cmd) ?? cmd;
}

function toCommands(value: unknown): Command[] | string {
  if (!Array.isArray(value) || value.length === 0) {
    return "ERR the body must be a non-empty JSON array of commands";
  }
  const cmds: Command[] = [];
  for (const v of value) {
    const cmd = toCommand(v);
    if (typeof cmd === "string") return cmd;
    cmds.push(cmd);
  }
  return cmds;
}

/** Redis reply → JSON value; with base64 every string is encoded, numbers/null kept. */
function toJson(reply: unknown, base64: boolean): unknown {
  if (reply instanceof Buffer) {
    return reply.toString(base64 ? "base64" : "utf8");
  }
  if (Array.isArray(reply)) return reply.map((r) => toJson(r, base64));
  // An error nested in a larger reply (e.g. inside a Lua table): its text.
  if (reply instanceof Error) return reply.message;
  return reply;
}

function entry(outcome: PromiseSettledResult<unknown>, base64: boolean): Entry {
  if (outcome.status === "fulfilled") {
    return { result: toJson(outcome.value, base64) };
  }
  return { error: messageOf(outcome.reason) };
}

const messageOf = (e: unknown) => e instanceof Error ? e.message : String(e);

const json = (status: number, body: unknown) => Response.json(body, { status });

/**
 * Redis said no → 400 `{error}` like Upstash. Anything else means Redis is
 * unreachable (down, restarting, connection lost): 503 `{error}`, which the
 * client throws as an UpstashError, as it would for Upstash's own outage.
 */
const failure = (e: unknown) =>
  json(e instanceof ErrorReply ? 400 : 503, {
    error: `${e instanceof ErrorReply ? "" : "Redis unavailable: "}${messageOf(e)}`,
  });
const sha256 = (s: string) => createHash("sha256").update(s).digest();

export async function startUpstashBridge(opts: {
  redisUrl: string;
  token: string;
  port?: number;
  hostname?: string;
}): Promise<UpstashBridge> {
  // Fail fast if Redis is unreachable at start; once running, reconnect every
  // 50-250 ms, so traffic recovers well within a second of Redis returning.
  let started = false;
  const reconnectStrategy = (retries: number, cause: Error) =>
    started ? Math.min(50 + retries * 50, 250) : cause;
  const options = {
    url: opts.redisUrl,
    socket: { reconnectStrategy, connectTimeout: 2000 },
    commandOptions: { typeMapping },
    // While Redis is down a command fails at once (503 below) instead of
    // waiting in node-redis's offline queue for the whole outage.
    disableOfflineQueue: true,
  };
  // Single commands and pipelines share one connection (node-redis pipelines
  // concurrent commands on it). MULTI switches a connection into queueing
  // mode, so each transaction borrows a connection of its own from a small
  // pool: no other request's command can land inside it, and concurrent
  // multi() calls never nest (the known fault of a shared-connection bridge).
  const shared = createClient(options);
  const txPool = createClientPool(options, { minimum: 1, maximum: 8 });
  // One line per outage, not one per reconnect attempt.
  let down = false;
  const logError = (e: unknown) => {
    if (!down) console.error("upstash bridge: Redis connection lost:", messageOf(e));
    down = true;
  };
  shared.on("error", logError);
  txPool.on("error", logError);
  shared.on("ready", () => {
    if (down) console.error("upstash bridge: Redis connection back");
    down = false;
  });

  const scripts = new ScriptCompat();
  const send = async (cmd: Command): Promise<unknown> =>
    scripts.reply(cmd, await shared.sendCommand(scripts.rewrite(cmd)));

  async function multiExec(cmds: Command[]): Promise<unknown> {
    return await txPool.execute(async (conn) => {
      const queued = [["MULTI"], ...cmds.map((c) => scripts.rewrite(c))].map((c) =>
        conn.sendCommand(c)
      );
      const exec = conn.sendCommand(["EXEC"]);
      // A queueing error (unknown command, wrong arity) makes EXEC fail
      // with EXECABORT; name the first cause so the developer sees it.
      const firstQueueError = (await Promise.allSettled(queued))
        .find((o) => o.status === "rejected");
      try {
        return await exec;
      } catch (e) {
        if (e instanceof ErrorReply && firstQueueError) {
          e.message += ` (${messageOf(firstQueueError.reason)})`;
        }
        throw e;
      }
    });
  }

  // Hash both sides so the compare is constant-time and length-independent.
  const expectedAuth = sha256(`Bearer ${opts.token}`);
  const authorized = (header: string | null) => timingSafeEqual(sha256(header ?? ""), expectedAuth);

  async function handle(req: Request): Promise<Response> {
    if (!authorized(req.headers.get("authorization"))) {
      return json(401, { error: "Unauthorized" });
    }
    if (req.method !== "POST") {
      return json(405, { error: "ERR only POST is supported" });
    }
    const path = new URL(req.url).pathname.replace(/\/+$/, "") || "/";
    if (!["/", "/pipeline", "/multi-exec"].includes(path)) {
      return json(404, { error: `ERR unknown endpoint ${path}` });
    }
    let body: unknown;
    try {
      body = JSON.parse(await req.text());
    } catch {
      return json(400, { error: "ERR the body is not valid JSON" });
    }
    const base64 = req.headers.get("upstash-encoding")?.toLowerCase() === "base64";

    if (path === "/") {
      const cmd = toCommand(body);
      if (typeof cmd === "string") return json(400, { error: cmd });
      try {
        return json(200, { result: toJson(await send(cmd), base64) });
      } catch (e) {
        return failure(e);
      }
    }

    const cmds = toCommands(body);
    if (typeof cmds === "string") return json(400, { error: cmds });
    if (path === "/pipeline") {
      const outcomes = await Promise.allSettled(cmds.map(send));
      // Redis unreachable fails the whole batch, as an unreachable Upstash would.
      const lost = outcomes.find((o) =>
        o.status === "rejected" && !(o.reason instanceof ErrorReply)
      );
      if (lost) return failure((lost as PromiseRejectedResult).reason);
      return json(200, outcomes.map((o) => entry(o, base64)));
    }
    let replies: unknown;
    try {
      replies = await multiExec(cmds);
    } catch (e) {
      return failure(e);
    }
    if (!Array.isArray(replies)) {
      return json(500, { error: "ERR transaction did not run" });
    }
    // Runtime errors inside EXEC arrive as error objects in the reply array.
    return json(
      200,
      replies.map((r): Entry =>
        r instanceof ErrorReply ? { error: r.message } : { result: toJson(r, base64) }
      ),
    );
  }

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    await shared.connect();
    await txPool.connect();
    server = Deno.serve({
      port: opts.port ?? 0,
      hostname: opts.hostname ?? "127.0.0.1",
      onListen() {},
    }, handle);
  } catch (e) {
    // Redis down or port taken: leave no connection behind.
    if (shared.isOpen) shared.destroy();
    if (txPool.isOpen) txPool.destroy();
    throw e;
  }
  started = true;
  const { hostname, port } = server.addr;
  return {
    url: `http://${hostname}:${port}`,
    port,
    async close() {
      await server.shutdown();
      await Promise.all([shared.close(), txPool.close()]);
    },
  };
}

if (import.meta.main) {
  const bridge = await startUpstashBridge({
    redisUrl: Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379",
    token: Deno.env.get("UPSTASH_REDIS_REST_TOKEN") ?? "local-dev-token",
    port: Number(Deno.env.get("UPSTASH_BRIDGE_PORT") ?? 8079),
  });
  console.log(`Upstash REST bridge listening on ${bridge.url}`);
  Deno.addSignalListener("SIGINT", async () => {
    await bridge.close();
    Deno.exit(0);
  });
}
