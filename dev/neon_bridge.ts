/**
 * Local stand-in for Neon's proxy (dev and tests only): `POST /sql` speaks the
 * HTTP protocol of `neon()` / `transaction()`, and any other path upgrades to
 * the WebSocket relay that `Pool`/`Client` use. The wire format is described
 * in docs/protocols.md (Neon section).
 *
 *   deno run -A dev/neon_bridge.ts        # NEON_BRIDGE_PORT, default 4444
 */
// @ts-types="@types/pg"
import pg from "pg";

export interface NeonBridge {
  url: string;
  port: number;
  sqlEndpoint: string;
  wsProxy: string;
  close(): Promise<void>;
}

const ISOLATION: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

/** The fields of a Postgres ErrorResponse that the client copies onto NeonDbError. */
// deno-fmt-ignore
const ERROR_FIELDS = [
  "code", "severity", "detail", "hint", "position", "internalPosition",
  "internalQuery", "where", "schema", "table", "column", "dataType",
  "constraint", "file", "line", "routine",
] as const;

/** Rows go out as Postgres text: the client parses them itself by dataTypeID. */
const rawTypes = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

type Query = { query: string; params: unknown[] };

function parseQuery(q: unknown): Query {
  const { query, params = [] } = (q ?? {}) as Record<string, unknown>;
  if (typeof query !== "string" || !Array.isArray(params)) {
    throw new HttpError(400, "a query needs `query` text and `params` array");
  }
  return { query, params };
}

function boolHeader(req: Request, name: string): boolean {
  const v = req.headers.get(name);
  if (v === null || v === "false") return false;
  if (v === "true") return true;
  throw new HttpError(400, `${name} must be true or false, not "${v}"`);
}

/** `BEGIN ...` for a batch, from the Neon-Batch-* headers. */
function beginStatement(req: Request): string {
  let sql = "BEGIN";
  const level = req.headers.get("Neon-Batch-Isolation-Level");
  if (level !== null) {
    if (!Object.hasOwn(ISOLATION, level)) {
      throw new HttpError(400, `bad Neon-Batch-Isolation-Level "${level}"`);
    }
    sql += ` ISOLATION LEVEL ${ISOLATION[level]}`;
  }
  if (boolHeader(req, "Neon-Batch-Read-Only")) sql += " READ ONLY";
  if (boolHeader(req, "Neon-Batch-Deferrable")) sql += " DEFERRABLE";
  return sql;
}

/** The answer for one query. pg's Field objects already carry Neon's keys
 * (name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier,
 * format "text"). */
const shape = ({ command, rowCount, rows, fields }: pg.QueryArrayResult) => ({
  command,
  rowCount,
  rowAsArray: true,
  rows,
  fields,
});

function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) {
    return json(err.status, { message: err.message });
  }
  if (err instanceof pg.DatabaseError) {
    const body: Record<string, unknown> = { message: err.message };
    for (const k of ERROR_FIELDS) body[k] = err[k];
    return json(400, body);
  }
  // Not a Postgres error: Postgres unreachable, connection dropped, etc.
  const message = err instanceof Error ? err.message : String(err);
  return json(502, { message: `neon bridge: ${message}` });
}

/** "host:port" → parts; the port defaults to 5432 as in libpq. */
function hostPort(address: string): { hostname: string; port: number } {
  const i = address.lastIndexOf(":");
  const host = i < 0 ? address : address.slice(0, i);
  const hostname = host.replace(/^\[|\]$/g, ""); // IPv6 literal
  const port = i < 0 ? 5432 : Number(address.slice(i + 1));
  if (!hostname || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new HttpError(400, `bad address ${JSON.stringify(address)}`);
  }
  return { hostname, port };
}

export function startNeonBridge(
  opts: { port?: number; hostname?: string; allowedHosts?: string[] } = {},
): Promise<NeonBridge> {
  // A dev proxy, never an open relay: only these Postgres addresses.
  const allowed = new Set(["127.0.0.1:5432", "localhost:5432"]);
  for (const h of opts.allowedHosts ?? []) allowed.add(h);
  const checkAllowed = (hostname: string, port: number) => {
    const key = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
    if (!allowed.has(key)) throw new HttpError(403, `${key} is not allowed`);
  };

  // One pool per (user, password, host, port, database). Query options of the
  // connection string (application_name, sslmode, options...) are dropped:
  // they would otherwise split pools per client version and sslmode=require
  // would fail against local Postgres. Every bridge connection is named
  // "neon-bridge" in pg_stat_activity instead.
  const pools = new Map<string, pg.Pool>();
  function poolFor(connectionString: string | null): pg.Pool {
    if (!connectionString) {
      throw new HttpError(400, "missing Neon-Connection-String header");
    }
    let u: URL;
    try {
      u = new URL(connectionString);
    } catch {
      throw new HttpError(400, "Neon-Connection-String is not a URL");
    }
    if (!/^postgres(ql)?:$/.test(u.protocol)) {
      throw new HttpError(400, "Neon-Connection-String is not postgres://");
    }
    const { hostname, port } = hostPort(u.host);
    checkAllowed(hostname, port);
    const config = {
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      host: hostname,
      port,
      database: decodeURIComponent(u.pathname.slice(1)),
    };
    const key = JSON.stringify(config);
    let pool = pools.get(key);
    if (!pool) {
      pool = new pg.Pool({
        ...config,
        max: 10,
        types: rawTypes,
        application_name: "neon-bridge",
        // A Postgres that accepts no connections must not hold requests forever.
        connectionTimeoutMillis: 5000,
      });
      // An idle client whose server connection dies emits on the pool; without
      // a listener that would crash the bridge.
      pool.on("error", () => {});
      pools.set(key, pool);
    }
    return pool;
  }

  /**
   * When Postgres goes away (a restart, `pg_ctl stop -m immediate`), a client
   * that is checked out emits `error`; the pool listens only to idle ones, and
   * an `error` event nobody listens to kills the whole bridge process. The
   * request in flight fails on its own (its query rejects) and `recycle`
   * destroys the broken connection, so the event itself needs no action.
   */
  const guarded = new WeakSet<pg.PoolClient>();
  function guard(client: pg.PoolClient) {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on("error", () => {});
  }

  // Connections being reset after a request; close() waits for them.
  const cleanups = new Set<Promise<void>>();

  /**
   * Each HTTP request must start from a fresh session, as on Neon. `DISCARD
   * ALL` resets SET, temp tables, advisory locks, LISTEN and prepared plans
   * in one round trip; RESET ALL alone would keep temp tables and locks, and
   * a new connection per request costs milliseconds. It runs after the answer
   * is sent and the connection rejoins the pool only once clean, so it costs
   * little latency (about +0.1 ms p50 sequentially) but throughput under
   * load (about -25% at concurrency 8, bench/bridges_neon.ts). DISCARD ALL
   * fails inside a transaction (a request sent a bare BEGIN) or on a broken
   * connection: then the connection is destroyed instead.
   */
  function recycle(client: pg.PoolClient) {
    const p = client.query("DISCARD ALL").then(
      () => client.release(),
      () => client.release(true),
    ).finally(() => cleanups.delete(p));
    cleanups.add(p);
  }

  // Extended protocol even without params: one statement per query, as Neon.
  // (`queryMode` is missing from @types/pg, hence the variable.)
  const run = (client: pg.PoolClient, q: Query) => {
    const config = {
      text: q.query,
      values: q.params,
      rowMode: "array" as const,
      queryMode: "extended",
    };
    return client.query(config).then(shape);
  };

  async function handleSql(req: Request): Promise<Response> {
    let body: { queries?: unknown };
    try {
      body = JSON.parse(await req.text());
    } catch {
      throw new HttpError(400, "request body is not JSON");
    }
    const batch = Array.isArray(body?.queries) ? body.queries.map(parseQuery) : null;
    const single = batch ? null : parseQuery(body);
    const begin = batch ? beginStatement(req) : "";
    const client = await poolFor(req.headers.get("Neon-Connection-String"))
      .connect();
    guard(client);
    try {
      if (single) return json(200, await run(client, single));
      await client.query(begin);
      try {
        const results = [];
        for (const q of batch!) results.push(await run(client, q));
        await client.query("COMMIT");
        return json(200, { results });
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      }
    } finally {
      recycle(client);
    }
  }

  // Open WebSocket relays, so close() can end them.
  const relays = new Set<() => void>();

  /**
   * Relays raw Postgres protocol bytes between a WebSocket and a TCP
   * connection. The TCP connection is opened before the upgrade is answered,
   * so no frame can arrive while it is pending (nothing to buffer) and an
   * unreachable Postgres is a plain 502 instead of a socket that opens and
   * dies. Frames may split or merge protocol messages: bytes are bytes.
   */
  async function handleWebSocket(req: Request, address: string) {
    const { hostname, port } = hostPort(address);
    checkAllowed(hostname, port);
    const conn = await Deno.connect({ hostname, port });
    conn.setNoDelay(true);
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.binaryType = "arraybuffer";
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      relays.delete(close);
      try {
        conn.close();
      } catch { /* already closed */ }
      if (socket.readyState < WebSocket.CLOSING) socket.close();
    };
    relays.add(close);
    // Conn.write may write part of a chunk; a chain keeps chunks whole and in order.
    let writing = Promise.resolve();
    socket.onmessage = (e) => {
      const data = typeof e.data === "string"
        ? new TextEncoder().encode(e.data)
        : new Uint8Array(e.data);
      writing = writing.then(async () => {
        for (let off = 0; off < data.length && !closed;) {
          off += await conn.write(data.subarray(off));
        }
      }).catch(close);
    };
    socket.onclose = close;
    socket.onerror = close;
    socket.onopen = async () => {
      try {
        for await (const chunk of conn.readable) {
          if (socket.readyState !== WebSocket.OPEN) break;
          socket.send(chunk);
        }
      } catch { /* reset by Postgres, or closed by us */ }
      close();
    };
    return response;
  }

  async function handler(req: Request): Promise<Response> {
    try {
      const url = new URL(req.url);
      if (url.pathname === "/sql") {
        if (req.method !== "POST") throw new HttpError(405, "POST /sql");
        return await handleSql(req);
      }
      const address = url.searchParams.get("address");
      if (address === null) {
        throw new HttpError(404, "POST /sql, or WebSocket /v2?address=h:p");
      }
      if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        throw new HttpError(426, "WebSocket upgrade required");
      }
      return await handleWebSocket(req, address);
    } catch (err) {
      return errorResponse(err);
    }
  }

  const hostname = opts.hostname ?? "127.0.0.1";
  return new Promise((resolve) => {
    const server = Deno.serve({
      port: opts.port ?? 0,
      hostname,
      onListen: ({ port }) => {
        const host = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
        resolve({
          url: `http://${host}:${port}`,
          port,
          sqlEndpoint: `http://${host}:${port}/sql`,
          wsProxy: `${host}:${port}/v2`,
          async close() {
            // pg-pool's end() resolves before its sockets have sent Terminate
            // and closed; cutting those relays at once makes the client emit
            // "Failed to send frame" errors. Let them finish (briefly) first.
            for (let i = 0; i < 50 && relays.size > 0; i++) {
              await new Promise((r) => setTimeout(r, 10));
            }
            for (const close of [...relays]) close();
            await server.shutdown();
            await Promise.all([...cleanups]);
            await Promise.all([...pools.values()].map((p) => p.end()));
            pools.clear();
          },
        });
      },
    }, handler);
  });
}

if (import.meta.main) {
  const bridge = await startNeonBridge({
    port: Number(Deno.env.get("NEON_BRIDGE_PORT") ?? 4444),
  });
  console.log(`neon bridge on ${bridge.url} (WebSocket ${bridge.wsProxy})`);
}
