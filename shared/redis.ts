import { Redis } from "@upstash/redis";
import type { BaseEnv } from "./env.ts";

/** Options for a Redis client on a hot path. */
export interface RedisOptions {
  /** Retries of a failed fetch (network error); default 1, instead of the client's ~12 s loop. */
  retries?: number;
  /** Aborts every command once it fires; default: REDIS_TIMEOUT_MS from now. */
  signal?: AbortSignal;
  /**
   * For values this app wrote as UTF-8 text and reads back as is (the search
   * cache): replies come as plain JSON strings instead of base64 (decoding
   * base64 cost more than anything else on a cached hit), nothing is
   * JSON-parsed on the way back, and commands are sent as they are issued
   * rather than auto-pipelined (such a client sends one command a request).
   */
  text?: boolean;
}

/**
 * An Upstash REST client for this request. The signal goes in as a function:
 * @upstash/redis then throws the abort error, where with a plain signal it
 * would resolve the aborted command with the abort reason as its result.
 */
export function redisClient(env: BaseEnv, opts: RedisOptions = {}): Redis {
  const signal = opts.signal ?? AbortSignal.timeout(env.REDIS_TIMEOUT_MS);
  return new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    enableTelemetry: false,
    retry: { retries: opts.retries ?? 1, backoff: () => 50 },
    signal: () => signal,
    ...(opts.text
      ? { responseEncoding: false, automaticDeserialization: false, enableAutoPipelining: false }
      : {}),
  });
}
