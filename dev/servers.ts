/**
 * Finds PostgreSQL and Redis for local work: `DATABASE_URL` / `REDIS_URL`,
 * else the 127.0.0.1 defaults; if nothing answers and the server binaries
 * exist, starts throwaway servers in a temp dir on free ports; otherwise
 * stops with a message naming what to install.
 */
// @ts-types="@types/pg"
import pg from "pg";
import { createClient } from "redis";

export interface Servers {
  /** Superuser URL of the `postgres` maintenance database. */
  postgresUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
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

async function redisAnswers(url: string): Promise<boolean> {
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

/** A free loopback port (bound and released; fine for local tooling). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
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
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Cannot start ${what}: it did not answer within 10 s`);
}

/** initdb and postgres refuse to run as root, so as root they run as the `postgres` user. */
function asServerUser(cmd: string[]): string[] {
  return Deno.uid() === 0 ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd;
}

async function startPostgres(log: Log): Promise<{ url: string; stop(): Promise<void> }> {
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
  const [initCmd, ...initArgs] = asServerUser([
    initdb,
    "-D",
    `${dir}/data`,
    "-U",
    "postgres",
    "--auth=trust",
  ]);
  const init = await new Deno.Command(initCmd, { args: initArgs, stdout: "null", stderr: "piped" })
    .output();
  if (!init.success) {
    throw new Error(`Cannot initialise PostgreSQL: ${new TextDecoder().decode(init.stderr)}`);
  }
  const port = freePort();
  const [cmd, ...args] = asServerUser([
    postgres,
    "-D",
    `${dir}/data`,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
  ]);
  const child = new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).spawn();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor(() => postgresAnswers(url), "PostgreSQL");
  log(`Started a throwaway PostgreSQL on port ${port} in ${dir}`);
  return {
    url,
    async stop() {
      // pg_ctl waits for the shutdown to finish; signalling runuser would not reach postgres reliably.
      const [stopCmd, ...stopArgs] = asServerUser([
        pgCtl,
        "stop",
        "-D",
        `${dir}/data`,
        "-m",
        "fast",
        "-w",
      ]);
      await new Deno.Command(stopCmd, { args: stopArgs, stdout: "null", stderr: "null" }).output();
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

async function startRedis(log: Log): Promise<{ url: string; stop(): Promise<void> }> {
  const bin = await findBinary("redis-server");
  if (!bin) {
    throw new Error(
      "Cannot find Redis: nothing answers at REDIS_URL or 127.0.0.1:6379 and redis-server is not installed. " +
        "Install Redis 7+ (Debian: apt-get install redis-server) or set REDIS_URL",
    );
  }
  const port = freePort();
  const child = new Deno.Command(bin, {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(() => redisAnswers(url), "Redis");
  log(`Started a throwaway Redis on port ${port}`);
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Finds (or starts) PostgreSQL and Redis. Call `stop()` to end what was started here. */
export async function ensureServers(log: Log = console.log): Promise<Servers> {
  const stops: (() => Promise<void>)[] = [];
  let postgresUrl = Deno.env.get("DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/postgres";
  if (!(await postgresAnswers(postgresUrl))) {
    const started = await startPostgres(log);
    postgresUrl = started.url;
    stops.push(started.stop);
  }
  let redisUrl = Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379";
  if (!(await redisAnswers(redisUrl))) {
    const started = await startRedis(log);
    redisUrl = started.url;
    stops.push(started.stop);
  }
  return {
    postgresUrl,
    redisUrl,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/** The same server URL with another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn` with a client connected as the superuser at `url`, and disconnects. */
async function asAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const drop = (c: pg.Client, db: string) =>
  c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(db)} WITH (FORCE)`);
const create = (c: pg.Client, db: string) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(db)}`);

/** Drops (if present) and creates `database`, as the superuser at `url`. */
export function recreateDatabase(url: string, database: string): Promise<void> {
  return asAdmin(url, async (c) => {
    await drop(c, database);
    await create(c, database);
  });
}

/** Creates `database` if it does not exist yet (never drops: it may hold a developer's data). */
export function ensureDatabase(url: string, database: string): Promise<void> {
  return asAdmin(url, async (c) => {
    const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount) return;
    await create(c, database).catch((e: { code?: string }) => {
      if (e.code !== "42P04") throw e; // another run created it meanwhile
    });
  });
}

/** Drops `database` (used for the tests' and benches' throwaway databases only). */
export function dropDatabase(url: string, database: string): Promise<void> {
  return asAdmin(url, async (c) => {
    await drop(c, database);
  });
}

/** Deletes every Redis key under `prefix` (SCAN, never FLUSHDB). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<number> {
  const client = createClient({ url: redisUrl });
  client.on("error", () => {});
  await client.connect();
  let deleted = 0;
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length) deleted += await client.del(keys);
    }
  } finally {
    await client.close();
  }
  return deleted;
}
