import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { type Sql, sqlClient } from "../../shared/db.ts";
import type { Redis } from "@upstash/redis";
import { redisClient } from "../../shared/redis.ts";
import { searchEnv } from "./env.ts";

/** This request's env and clients, created per request (never at module scope). */
export function deps(c: Context<AppEnv>): Deps {
  // One set per request: the admin session check and the handler share its deadlines.
  let d = perRequest.get(c.req.raw);
  if (!d) perRequest.set(c.req.raw, d = build(c));
  return d;
}

function build(c: Context<AppEnv>) {
  const env = searchEnv(c.env);
  let sql: Sql | undefined;
  let redis: Redis | undefined;
  return {
    env,
    /** Made on first use, so a cached search pays nothing for it; its deadline runs from then. */
    get sql(): Sql {
      return sql ??= sqlClient(env);
    },
    /**
     * The admin guard's client (REDIS_TIMEOUT_MS from first use). The cache's
     * lookups and writes make their own, each with its own deadline (cache.ts).
     */
    get redis(): Redis {
      return redis ??= redisClient(env, CACHE_CLIENT);
    },
  };
}

/**
 * The cache is on the hot path: no retries, so a dead Redis costs one failed
 * request; it stores response text as is (lookups: cache.ts, as bytes).
 */
export const CACHE_CLIENT = { retries: 0, text: true } as const;

type Deps = ReturnType<typeof build>;
const perRequest = new WeakMap<Request, Deps>();
