/**
 * What the Neon bridge costs locally: `SELECT 1` straight to Postgres with
 * `pg`, through the bridge's HTTP endpoint with `neon()`, and through its
 * WebSocket relay with the driver's `Pool`, all in one run.
 *
 *   deno run -A bench/bridges_neon.ts   # BENCH_ITERATIONS, BENCH_CONCURRENCY, DATABASE_URL
 */
// @ts-types="@types/pg"
import pg from "pg";
import { neon, neonConfig, Pool } from "@neondatabase/serverless";
import { startNeonBridge } from "../dev/neon_bridge.ts";
import { testDatabaseUrl } from "../tests/config.ts";

export interface Stats {
  p50_ms: number;
  p99_ms: number;
  ops_per_s: number;
}

/** Runs `op` `iterations` times from `concurrency` concurrent workers. */
async function measure(
  iterations: number,
  concurrency: number,
  op: () => Promise<unknown>,
): Promise<Stats> {
  // Warm up: fill the pools and JIT before timing.
  await Promise.all(Array.from({ length: concurrency * 2 }, op));
  const latencies: number[] = [];
  let started = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (started++ < iterations) {
      const t = performance.now();
      await op();
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    p50_ms: round(at(0.5)),
    p99_ms: round(at(0.99)),
    ops_per_s: Math.round(iterations / elapsed * 1000),
  };
}

export async function benchNeon(
  opts: { databaseUrl: string; iterations: number; concurrency: number },
): Promise<{ direct: Stats; bridgeHttp: Stats; bridgeWs: Stats }> {
  const { iterations, concurrency } = opts;
  // neon() insists on a password; trust auth ignores it.
  const url = new URL(opts.databaseUrl);
  if (!url.password) url.password = "bench";
  const bridge = await startNeonBridge({ port: 0 });
  // neonConfig is global: configure it as shared/db.ts does, restore after.
  const saved = {
    fetchEndpoint: neonConfig.fetchEndpoint,
    wsProxy: neonConfig.wsProxy,
    useSecureWebSocket: neonConfig.useSecureWebSocket,
    pipelineConnect: neonConfig.pipelineConnect,
    forceDisablePgSSL: neonConfig.forceDisablePgSSL,
  };
  Object.assign(neonConfig, {
    fetchEndpoint: bridge.sqlEndpoint,
    wsProxy: (h: string, p: string) => `${bridge.wsProxy}?address=${h}:${p}`,
    useSecureWebSocket: false,
    pipelineConnect: false,
    forceDisablePgSSL: true,
  });
  const direct = new pg.Pool({ connectionString: url.href, max: concurrency });
  const ws = new Pool({ connectionString: url.href, max: concurrency });
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
    Object.assign(neonConfig, saved);
  }
}

if (import.meta.main) {
  const iterations = Number(Deno.env.get("BENCH_ITERATIONS") ?? 2000);
  const concurrency = Number(Deno.env.get("BENCH_CONCURRENCY") ?? 8);
  const databaseUrl = Deno.env.get("DATABASE_URL") ?? testDatabaseUrl();
  console.log(`SELECT 1 × ${iterations}, concurrency ${concurrency}`);
  console.table(await benchNeon({ databaseUrl, iterations, concurrency }));
}
