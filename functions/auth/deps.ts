import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { sqlClient } from "../../shared/db.ts";
import { AccessTokenVerifier } from "../../shared/jwt.ts";
import { redisClient } from "../../shared/redis.ts";
import { unauthorized } from "../../shared/errors.ts";
import { type AuthEnv, authEnv } from "./env.ts";
import { Limiter, type LimitRule } from "./rate_limit.ts";
import type { Caller } from "./sessions_sql.ts";
import { type SigningKeys, signingKeys } from "./signing_key.ts";

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

const verifiers = new WeakMap<SigningKeys, AccessTokenVerifier>();

/**
 * The auth service verifies its own tokens against the public keys it
 * publishes (`signingKeys().publicJwks`, the same list as its JWKS): no JWKS
 * fetch, no `AUTH_JWKS` needed. One verifier per key set, so its token cache
 * lives as long as the isolate's keys.
 */
export async function ownVerifier(c: Context<AppEnv>): Promise<AccessTokenVerifier> {
  const env = authEnv(c.env);
  const keys = await signingKeys(env.JWT_PRIVATE_JWK, env.JWT_PREVIOUS_PUBLIC_JWKS);
  let v = verifiers.get(keys);
  if (!v) {
    v = new AccessTokenVerifier({
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      jwks: keys.publicJwks,
    });
    verifiers.set(keys, v);
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
