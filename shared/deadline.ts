import type { BaseEnv } from "./env.ts";

/**
 * The deadlines of one request's dependency calls: one signal for all its
 * Postgres queries and one for all its Redis commands, started when the
 * request builds its clients. Every query or command after its signal fired
 * fails at once, so a request waits at most DB_TIMEOUT_MS + REDIS_TIMEOUT_MS
 * (2 s by default) on dependencies, however many calls it makes.
 */
export interface Deadlines {
  postgres: AbortSignal;
  redis: AbortSignal;
}

/** Fresh deadlines for one request (or one unit of background work). */
export function deadlines(env: Pick<BaseEnv, "DB_TIMEOUT_MS" | "REDIS_TIMEOUT_MS">): Deadlines {
  return {
    postgres: AbortSignal.timeout(env.DB_TIMEOUT_MS),
    redis: AbortSignal.timeout(env.REDIS_TIMEOUT_MS),
  };
}
