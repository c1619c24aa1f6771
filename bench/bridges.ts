/**
 * What the local bridges cost: a trivial query or command straight to the
 * server and through each bridge, in the same run, as ratios.
 *
 *   deno run -A bench/bridges.ts   # BENCH_ITERATIONS (2000), BENCH_CONCURRENCY (8)
 */
import { ensureServers } from "../dev/servers.ts";
import { benchNeon } from "./bridges_neon.ts";
import { benchUpstash } from "./bridges_upstash.ts";
import { ratio, type Stats, table } from "./lib.ts";

export interface BridgeFigures {
  concurrency: number;
  rows: { path: string; stats: Stats; baseline: Stats }[];
}

/** Runs both bridge benchmarks at each concurrency. */
export async function benchBridges(
  opts: { iterations: number; concurrencies: number[] },
): Promise<BridgeFigures[]> {
  const servers = await ensureServers(() => {});
  try {
    const out: BridgeFigures[] = [];
    for (const concurrency of opts.concurrencies) {
      const neon = await benchNeon({
        databaseUrl: servers.postgresUrl,
        iterations: opts.iterations,
        concurrency,
      });
      const upstash = await benchUpstash({
        redisUrl: servers.redisUrl,
        iterations: opts.iterations,
        concurrency,
      });
      out.push({
        concurrency,
        rows: [
          { path: "Postgres: pg direct", stats: neon.direct, baseline: neon.direct },
          { path: "Postgres: neon() → HTTP bridge", stats: neon.bridgeHttp, baseline: neon.direct },
          { path: "Postgres: Pool → WebSocket relay", stats: neon.bridgeWs, baseline: neon.direct },
          { path: "Redis: node-redis direct", stats: upstash.direct, baseline: upstash.direct },
          {
            path: "Redis: @upstash/redis → bridge",
            stats: upstash.bridge,
            baseline: upstash.direct,
          },
        ],
      });
    }
    return out;
  } finally {
    await servers.stop();
  }
}

/** The figures as a markdown table. */
export function bridgesTable(figures: BridgeFigures[]): string {
  return table(
    ["path", "concurrency", "p50 ms", "p99 ms", "ops/s", "p50 × direct", "ops/s ÷ direct"],
    figures.flatMap((f) =>
      f.rows.map((r) => [
        r.path,
        f.concurrency,
        r.stats.p50_ms,
        r.stats.p99_ms,
        r.stats.ops_per_s,
        ratio(r.stats.p50_ms, r.baseline.p50_ms),
        ratio(r.stats.ops_per_s, r.baseline.ops_per_s),
      ])
    ),
  );
}

if (import.meta.main) {
  const iterations = Number(Deno.env.get("BENCH_ITERATIONS") ?? 2000);
  const concurrencies = (Deno.env.get("BENCH_CONCURRENCY") ?? "1,8").split(",").map(Number);
  console.log(bridgesTable(await benchBridges({ iterations, concurrencies })));
}
