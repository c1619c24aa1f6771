import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { sqlClient } from "../../shared/db.ts";
import { AccessTokenVerifier } from "../../shared/jwt.ts";
import { redisClient } from "../../shared/redis.ts";
import { unauthorized } from "../../shared/errors.ts";
import { type AuthEnv, authEnv } from "./env.ts";
import { Limiter, type LimitRule } from "./rate_limit.ts";
import type { Caller } from "./sessions_sql.ts";

/** This request's parsed env and clients, created per request (never at module scope). */
export function deps(c: Context<AppEnv>) {
  const env = authEnv(c.env);
  return {
    env,
    sql: sqlClient(env),
    // Login must not hang on Redis: no retries, short timeout, memory fallback.
    limiter: () => new Limiter(redisClient(env, { retries: 0 }), env.REDIS_PREFIX, c.get("log")),
  };
}

/** The limits of this env. */
export function rules(env: AuthEnv) {
  return {
    loginFailuresPerEmail: {
      name: "login-fail",
      limit: env.RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL,
      windowSeconds: 60,
    },
    loginPerIp: { name: "login-ip", limit: env.RATE_LIMIT_LOGIN_PER_IP, windowSeconds: 60 },
    signupPerIp: { name: "signup-ip", limit: env.RATE_LIMIT_SIGNUP_PER_IP, windowSeconds: 60 },
  } satisfies Record<string, LimitRule>;
}

const verifiers = new Map<string, AccessTokenVerifier>();

/**
 * The auth service verifies its own tokens against the public half of
 * `JWT_PRIVATE_JWK` plus `JWT_PREVIOUS_PUBLIC_JWKS`: no JWKS fetch, no
 * `AUTH_JWKS` needed. Cached per isolate by configuration.
 */
export function ownVerifier(c: Context<AppEnv>): AccessTokenVerifier {
  const env = authEnv(c.env);
  const key = JSON.stringify([
    env.JWT_PRIVATE_JWK,
    env.JWT_PREVIOUS_PUBLIC_JWKS,
    env.JWT_ISSUER,
    env.JWT_AUDIENCE,
  ]);
  let v = verifiers.get(key);
  if (!v) {
    if (verifiers.size >= 8) verifiers.clear();
    const { kty, crv, x, kid } = JSON.parse(env.JWT_PRIVATE_JWK);
    const previous = env.JWT_PREVIOUS_PUBLIC_JWKS ? JSON.parse(env.JWT_PREVIOUS_PUBLIC_JWKS) : [];
    v = new AccessTokenVerifier({
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      jwks: [{ kty, crv, x, kid }, ...(Array.isArray(previous) ? previous : [])],
    });
    verifiers.set(key, v);
  }
  return v;
}

/** The session check's input from `c.get("user")` (set by `requireUser`). */
export function caller(c: Context<AppEnv>, env: AuthEnv): Caller {
  const user = c.get("user");
  if (!user) throw unauthorized();
  return { sub: user.id, sid: user.sessionId, idleTtlSeconds: env.SESSION_IDLE_TTL_SECONDS };
}

/** `User-Agent`, bounded, for the sessions list. */
export const userAgent = (c: Context) => c.req.header("User-Agent")?.slice(0, 512) ?? null;
