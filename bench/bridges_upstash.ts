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
import { measure, type Stats } from "./lib.ts";

export type { Stats };

/** `GET` direct with node-redis and through the bridge with @upstash/redis. */
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
      `| ${name.padEnd(25)} | ${cells.map((c) => String(c).padStart(6)).join(" | ")} |`,
    );
  }
}
