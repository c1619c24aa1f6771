import type { Redis } from "@upstash/redis";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./app.ts";
import { unauthorized } from "./errors.ts";
import { CLOCK_TOLERANCE_S } from "./jwt.ts";

/**
 * Session revocation that reaches every service at once (docs/api.md: within a
 * second). Access tokens verify offline, so auth also writes each revoked
 * session id to Redis, for as long as any of its tokens could still verify;
 * the other services look the token's `sid` up before they act. All
 * services must share `REDIS_PREFIX` (they do by default).
 */
export const revokedSessionKey = (prefix: string, sid: string) => `${prefix}auth:revoked:${sid}`;

/** Marks `sids` revoked for the access-token lifetime plus clock tolerance: one round trip. */
export async function markSessionsRevoked(
  redis: Redis,
  prefix: string,
  sids: readonly string[],
  accessTokenTtlSeconds: number,
): Promise<void> {
  if (sids.length === 0) return;
  const ex = accessTokenTtlSeconds + CLOCK_TOLERANCE_S;
  const pipeline = redis.pipeline();
  for (const sid of sids) pipeline.set(revokedSessionKey(prefix, sid), 1, { ex });
  await pipeline.exec();
}

/** The revocation key of the caller's session (`requireUser()`'s `sid`). */
export const callerRevokedKey = (c: Context<AppEnv>, prefix: string) =>
  revokedSessionKey(prefix, c.get("user").sessionId);

/**
 * 401 when `EXISTS callerRevokedKey(...)` answered non-zero. For a route
 * that sends the EXISTS in the same Redis request as its own first read
 * (a pipeline), so the check costs no round trip of its own.
 */
export function refuseRevoked(exists: number): void {
  if (exists > 0) throw unauthorized("The session has ended");
}

/**
 * Resolves when the caller's session is not revoked; 401 when it is. A
 * Redis failure rejects (503 via `onError`): routes that check fail closed.
 */
export async function assertSessionLive(
  c: Context<AppEnv>,
  redis: Redis,
  prefix: string,
): Promise<void> {
  refuseRevoked(await redis.exists(callerRevokedKey(c, prefix)));
}

/**
 * Middleware (after `requireUser()`/`requireRole()`): 401 when the caller's
 * session was revoked, before the handler acts. For routes whose first
 * Redis command cannot carry the check (it is a write, or Postgres comes
 * first): one Redis round trip. Routes that read Redis first send the
 * EXISTS in that read's pipeline instead (`callerRevokedKey`, `refuseRevoked`).
 */
export function requireLiveSession(
  redisOf: (c: Context<AppEnv>) => { redis: Redis; prefix: string },
): MiddlewareHandler<AppEnv> {
  return async function requireLiveSession(c, next) {
    const { redis, prefix } = redisOf(c);
    await assertSessionLive(c, redis, prefix);
    await next();
  };
}
