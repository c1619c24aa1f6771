/**
 * What the Upstash bridge costs locally: `GET` of one key straight to Redis
 * with node-redis, and through the bridge with `@upstash/redis`
 * (auto-pipelining off, so every call is one HTTP request), in one run.
 *
 *   deno run -A bench/bridges_upstash.ts   # BENCH_ITERATIONS, BENCH_CONCURRENCY, REDIS_URL
 */
import { Redis } from "@upstash/redis";
import { createClient } from "redis";
import { startUpstashBridge } from "../dev/upstash_bridge.ts";

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
  // Warm up: open keep-alive connections and JIT before timing.
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

export async function benchUpstash(
  opts: { redisUrl: string; iterations: number; concurrency: number },
): Promise<{ direct: Stats; bridge: Stats }> {
  const { iterations, concurrency } = opts;
  const key = `bench:upstash:${crypto.randomUUID()}`;
  const token = crypto.randomUUID();
  const direct = await createClient({ url: opts.redisUrl }).connect();
  const bridge = await startUpstashBridge({ redisUrl: opts.redisUrl, token });
  try {
    await direct.set(key, "value");
    const viaBridge = new Redis({
      url: bridge.url,
      token,
      enableTelemetry: false,
      enableAutoPipelining: false,
      retry: false, // a failure should show, not hide in 12 s of retries
    });
    return {
      direct: await measure(iterations, concurrency, () => direct.get(key)),
      bridge: await measure(iterations, concurrency, () => viaBridge.get(key)),
    };
  } finally {
    await direct.del(key);
    await bridge.close();
    direct.destroy();
  }
}

if (import.meta.main) {
  const iterations = Number(Deno.env.get("BENCH_ITERATIONS") ?? 5000);
  const concurrency = Number(Deno.env.get("BENCH_CONCURRENCY") ?? 10);
  const redisUrl = Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379";
  const result = await benchUpstash({ redisUrl, iterations, concurrency });
  console.log(`GET, ${iterations} iterations, concurrency ${concurrency}`);
  console.log("| path                      | p50 ms | p99 ms |  ops/s |");
  console.log("| ------------------------- | -----: | -----: | -----: |");
  for (
    const [name, s] of [
      ["node-redis → Redis", result.direct],
      ["@upstash/redis → bridge", result.bridge],
    ] as const
  ) {
    const cells = [s.p50_ms.toFixed(3), s.p99_ms.toFixed(3), s.ops_per_s];
    console.log(
      `| ${name.padEnd(25)} | ${
        cells.map((c) => String(c).padStart(6)).join(" | ")
      } |`,
    );
  }
}
