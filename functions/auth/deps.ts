import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { sqlClient } from "../../shared/db.ts";
import { redisClient } from "../../shared/redis.ts";
import { markSessionsRevoked } from "../../shared/revocation.ts";
import { authEnv } from "./env.ts";
import { Limiter } from "./rate_limit.ts";

/** This request's parsed env and clients, created per request (never at module scope). */
export function deps(c: Context<AppEnv>) {
  const env = authEnv(c.env);
  return {
    env,
    sql: sqlClient(env),
    // Login must not hang on Redis: no retries, short timeout, memory fallback.
    limiter: () =>
      new Limiter(
        redisClient(env, { retries: 0 }),
        env.REDIS_PREFIX,
        c.get("log"),
        env.REDIS_TIMEOUT_MS,
      ),
    /** Tells every service that these sessions ended (shared/revocation.ts). */
    announceRevoked: (sids: readonly string[]) =>
      markSessionsRevoked(redisClient(env), env.REDIS_PREFIX, sids, env.ACCESS_TOKEN_TTL_SECONDS),
  };
}
