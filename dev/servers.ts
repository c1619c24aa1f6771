/**
 * Finds PostgreSQL and Redis for local work: `DATABASE_URL` / `REDIS_URL`
 * (which must answer), else the 127.0.0.1 defaults; if nothing was
 * configured and nothing answers, starts throwaway servers (dev/throwaway.ts)
 * when the binaries exist, and otherwise stops naming what to install.
 */
// @ts-types="@types/pg"
import pg from "pg";
import { createClient } from "redis";
import { postgresAnswers, redisAnswers, startPostgres, startRedis } from "./throwaway.ts";

export interface Servers {
  /** Superuser URL of the `postgres` maintenance database. */
  postgresUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

/** `url` with its password masked, for messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

/**
 * A server the developer named (DATABASE_URL / REDIS_URL) must answer: a
 * throwaway server in its place would hold data that vanishes at stop.
 */
function configuredButDown(variable: string, url: string, what: string, start: string): Error {
  return new Error(
    `Cannot reach ${what} at ${variable}=${maskUrl(url)}. Start that server (${start}), ` +
      `fix ${variable}, or unset it to let this command use a local or throwaway ${what}.`,
  );
}

/**
 * Finds (or starts) PostgreSQL and Redis: the configured URL, which must
 * answer; else the 127.0.0.1 default; else, when nothing was configured, a
 * throwaway server. Call `stop()` to end what was started here.
 */
export async function ensureServers(log: Log = console.log): Promise<Servers> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const postgresUrl = await find(
      "DATABASE_URL",
      "postgres://postgres@127.0.0.1:5432/postgres",
      postgresAnswers,
      async () => {
        const started = await startPostgres(log);
        stops.push(started.stop);
        return started.url;
      },
      ["PostgreSQL", "e.g. pg_ctlcluster 16 main start"],
    );
    const redisUrl = await find(
      "REDIS_URL",
      "redis://127.0.0.1:6379",
      redisAnswers,
      async () => {
        const started = await startRedis(log);
        stops.push(started.stop);
        return started.url;
      },
      ["Redis", "e.g. redis-server --daemonize yes"],
    );
    return {
      postgresUrl,
      redisUrl,
      async stop() {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    throw err;
  }
}

async function find(
  variable: string,
  fallback: string,
  answers: (url: string) => Promise<boolean>,
  startThrowaway: () => Promise<string>,
  [what, start]: [string, string],
): Promise<string> {
  const configured = Deno.env.get(variable);
  if (configured) {
    if (await answers(configured)) return configured;
    throw configuredButDown(variable, configured, what, start);
  }
  return (await answers(fallback)) ? fallback : await startThrowaway();
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
