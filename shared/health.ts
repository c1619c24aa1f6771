import { Hono } from "hono";
import type { Context } from "hono";
import { ApiError, problem } from "./errors.ts";
import { baseEnvSchema, parseEnv } from "./env.ts";
import { sqlClient } from "./db.ts";
import { redisClient } from "./redis.ts";

/** Answers which dependencies respond; `/ready` is 200 only when all do. */
export type ReadyCheck = (c: Context) => Promise<Record<string, boolean>>;

/** Each probe runs under its client's deadline (DB_TIMEOUT_MS, REDIS_TIMEOUT_MS). */
async function answers(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}

/** The standard check: one `SELECT 1` to Postgres and one `PING` to Redis, in parallel. */
export const postgresAndRedis: ReadyCheck = async (c) => {
  const env = parseEnv(baseEnvSchema, c.env);
  const [postgres, redis] = await Promise.all([
    answers(() => sqlClient(env)`SELECT 1`),
    answers(() => redisClient(env, { retries: 0 }).ping()),
  ]);
  return { postgres, redis };
};

/** `GET /ready`: 200 with each check, or 503 `not_ready` naming what is down. */
export function readinessRoutes(ready: ReadyCheck) {
  return new Hono().get("/ready", async (c) => {
    const checks = await ready(c);
    const down = Object.entries(checks).filter(([, ok]) => !ok).map(([name]) => name);
    if (down.length) {
      return problem(
        c,
        new ApiError(503, "not_ready", `Cannot serve: ${down.join(", ")} not answering`, {
          checks,
        }),
      );
    }
    return c.json({ status: "ready", checks });
  });
}
