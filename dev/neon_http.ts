/**
 * The Neon bridge's HTTP half: `POST /sql`, the protocol of `neon()` and
 * `transaction()` (docs/protocols.md), over a pool per connection string.
 */
// @ts-types="@types/pg"
import pg from "pg";
import { type CheckAllowed, hostPort, HttpError, json } from "./neon_common.ts";

const ISOLATION: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

/** Rows go out as Postgres text: the client parses them itself by dataTypeID. */
const rawTypes = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

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

// DISCARD ALL without DISCARD PLANS (see recycle below), after ending any transaction a bare
// BEGIN left open (DISCARD ALL refused to run there, and the connection was dropped: the same end).
const RESET_SESSION = "ROLLBACK; CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; " +
  "DEALLOCATE ALL; " +
  "UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES";

/** The `/sql` handler and what closing it waits for. */
export function neonHttp(checkAllowed: CheckAllowed) {
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
   * Each HTTP request must start from a fresh session, as on Neon: what
   * `DISCARD ALL` resets (SET, temp tables, advisory locks, LISTEN, prepared
   * statements, open cursors, sequence state) is reset here, in one round trip,
   * but for `DISCARD PLANS`. Cached plans are not session state a query can
   * see, and Neon's HTTP pool hands a backend to the next request as it is
   * (proxy/src/serverless/conn_pool_lib.rs returns the connection unchanged),
   * so PL/pgSQL functions (catalog.search) keep their plans across requests
   * there; wiping them here made every local search re-plan (≈ 10 ms at 10k
   * products). A bare string runs as a simple query, several statements in
   * one. It runs after the answer is sent and the connection rejoins the pool
   * only once clean, so it costs little latency (about +0.1 ms p50
   * sequentially) but throughput under load (about -25% at concurrency 8,
   * bench/bridges_neon.ts). A transaction a bare BEGIN left open is rolled
   * back first; on a broken connection the reset fails and the connection is
   * destroyed instead.
   */
  function recycle(client: pg.PoolClient) {
    const p = client.query(RESET_SESSION).then(
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

  return {
    handleSql,
    /** Waits for connections being reset, then ends every pool. */
    async close() {
      await Promise.all([...cleanups]);
      await Promise.all([...pools.values()].map((p) => p.end()));
      pools.clear();
    },
  };
}
