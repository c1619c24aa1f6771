import { Redis } from "@upstash/redis";
import type { BaseEnv } from "./env.ts";

/** Options for a Redis client on a hot path: fail fast instead of the client's ~12 s retry loop. */
export interface RedisOptions {
  retries?: number;
}

/** An Upstash REST client for this request. */
export function redisClient(env: BaseEnv, opts: RedisOptions = {}): Redis {
  return new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    enableTelemetry: false,
    retry: { retries: opts.retries ?? 1, backoff: () => 50 },
  });
}
