/**
 * Throwaway PostgreSQL and Redis servers in a temp dir on free ports: for
 * `deno task dev` / `deno task test` when nothing was configured, and for the
 * fault tests, which stop and restart them under traffic (never the
 * machine's shared servers).
 */
// @ts-types="@types/pg"
import pg from "pg";
import { createClient } from "redis";
import { freePort } from "./ports.ts";

type Log = (line: string) => void;

/** A server this process started: kill it abruptly, start it again on the same port, stop it for good. */
export interface Throwaway {
  url: string;
  port: number;
  /** Stops it the way a crash would (Postgres: `pg_ctl stop -m immediate`; Redis: SIGKILL). */
  kill(): Promise<void>;
  /** Starts it again with the same data and port; resolves once it answers. */
  restart(): Promise<void>;
  /** Stops it and removes its files. */
  stop(): Promise<void>;
}

export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function redisAnswers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    if (client.isOpen) await client.close().catch(() => {});
  }
}

async function findBinary(name: string): Promise<string | undefined> {
  const dirs = (Deno.env.get("PATH") ?? "").split(":");
  try {
    for await (const v of Deno.readDir("/usr/lib/postgresql")) {
      dirs.push(`/usr/lib/postgresql/${v.name}/bin`);
    }
  } catch { /* not a Debian layout */ }
  for (const dir of dirs) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return `${dir}/${name}`;
    } catch { /* not here */ }
  }
  return undefined;
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Cannot start ${what}: it did not answer within 10 s`);
}

/** initdb and postgres refuse to run as root, so as root they run as the `postgres` user. */
function asServerUser(cmd: string[]): string[] {
  return Deno.uid() === 0 ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd;
}

async function run(cmd: string[]): Promise<Deno.CommandOutput> {
  const [bin, ...args] = asServerUser(cmd);
  return await new Deno.Command(bin, { args, stdout: "null", stderr: "piped" }).output();
}

export async function startPostgres(log: Log): Promise<Throwaway> {
  const initdb = await findBinary("initdb");
  const postgres = await findBinary("postgres");
  const pgCtl = await findBinary("pg_ctl");
  if (!initdb || !postgres || !pgCtl) {
    throw new Error(
      "Cannot find PostgreSQL: nothing answers at DATABASE_URL or 127.0.0.1:5432 and initdb/postgres/pg_ctl are not installed. " +
        "Install PostgreSQL 15+ with its contrib extensions (Debian: apt-get install postgresql) or set DATABASE_URL",
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "edgeshop-pg-" });
  if (Deno.uid() === 0) await new Deno.Command("chown", { args: ["postgres", dir] }).output();
  const data = `${dir}/data`;
  const init = await run([initdb, "-D", data, "-U", "postgres", "--auth=trust"]);
  if (!init.success) {
    throw new Error(`Cannot initialise PostgreSQL: ${new TextDecoder().decode(init.stderr)}`);
  }
  const port = freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    const [cmd, ...args] = asServerUser([
      postgres,
      ...["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"],
    ]);
    child = new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).spawn();
    await waitFor(() => postgresAnswers(url), "PostgreSQL");
  };
  // pg_ctl waits for the shutdown to finish; signalling runuser would not reach postgres reliably.
  const pgStop = async (mode: "fast" | "immediate") => {
    await run([pgCtl, "stop", "-D", data, "-m", mode, "-w"]);
    try {
      child?.kill("SIGKILL");
    } catch { /* already gone */ }
    await child?.status;
    child = undefined;
  };
  await start();
  log(`Started a throwaway PostgreSQL on port ${port} in ${dir}`);
  return {
    url,
    port,
    kill: () => pgStop("immediate"),
    restart: start,
    async stop() {
      await pgStop("fast");
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

export async function startRedis(log: Log): Promise<Throwaway> {
  const bin = await findBinary("redis-server");
  if (!bin) {
    throw new Error(
      "Cannot find Redis: nothing answers at REDIS_URL or 127.0.0.1:6379 and redis-server is not installed. " +
        "Install Redis 7+ (Debian: apt-get install redis-server) or set REDIS_URL",
    );
  }
  const port = freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    child = new Deno.Command(bin, {
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitFor(() => redisAnswers(url), "Redis");
  };
  const signal = async (sig: Deno.Signal) => {
    try {
      child?.kill(sig);
    } catch { /* already gone */ }
    await child?.status;
    child = undefined;
  };
  await start();
  log(`Started a throwaway Redis on port ${port}`);
  return {
    url,
    port,
    kill: () => signal("SIGKILL"),
    restart: start,
    stop: () => signal("SIGTERM"),
  };
}
