/**
 * What the Neon bridge costs locally: `SELECT 1` straight to Postgres with
 * `pg`, through the bridge's HTTP endpoint with `neon()`, and through its
 * WebSocket relay with the driver's `Pool`, all in one run.
 *
 *   deno run -A bench/bridges_neon.ts   # BENCH_ITERATIONS, BENCH_CONCURRENCY, DATABASE_URL
 */
// @ts-types="@types/pg"
import pg from "pg";
import { neon } from "@neondatabase/serverless";
import { configureNeon, pgPool } from "../shared/db.ts";
import { startNeonBridge } from "../dev/neon_bridge.ts";
import { testDatabaseUrl } from "../tests/config.ts";
import { measure, type Stats } from "./lib.ts";

export type { Stats };

/** `SELECT 1` direct with pg, through the bridge over HTTP, and over the WebSocket relay. */
export async function benchNeon(
  opts: { databaseUrl: string; iterations: number; concurrency: number },
): Promise<{ direct: Stats; bridgeHttp: Stats; bridgeWs: Stats }> {
  const { iterations, concurrency } = opts;
  // neon() insists on a password; trust auth ignores it.
  const url = new URL(opts.databaseUrl);
  if (!url.password) url.password = "bench";
  const bridge = await startNeonBridge({ port: 0 });
  const env = { NEON_HTTP_ENDPOINT: bridge.sqlEndpoint, NEON_WS_PROXY: bridge.wsProxy };
  configureNeon(env);
  const direct = new pg.Pool({ connectionString: url.href, max: concurrency });
  const ws = pgPool({ ...env, DATABASE_URL: url.href }, concurrency);
  try {
    const sql = neon(url.href);
    return {
      direct: await measure(
        iterations,
        concurrency,
        () => direct.query("SELECT 1"),
      ),
      bridgeHttp: await measure(iterations, concurrency, () => sql`SELECT 1`),
      bridgeWs: await measure(
        iterations,
        concurrency,
        () => ws.query("SELECT 1"),
      ),
    };
  } finally {
    await Promise.all([direct.end(), ws.end()]);
    await bridge.close();
  }
}

if (import.meta.main) {
  const iterations = Number(Deno.env.get("BENCH_ITERATIONS") ?? 2000);
  const concurrency = Number(Deno.env.get("BENCH_CONCURRENCY") ?? 8);
  const databaseUrl = Deno.env.get("DATABASE_URL") ?? testDatabaseUrl();
  console.log(`SELECT 1 × ${iterations}, concurrency ${concurrency}`);
  console.table(await benchNeon({ databaseUrl, iterations, concurrency }));
}
