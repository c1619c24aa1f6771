import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { sqlClient } from "../../shared/db.ts";
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
  return {
    env,
    sql: sqlClient(env),
    // The cache is on the hot path: no retries, so a dead Redis costs one failed request.
    cache: redisClient(env, { retries: 0 }),
  };
}

type Deps = ReturnType<typeof build>;
const perRequest = new WeakMap<Request, Deps>();
