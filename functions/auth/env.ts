import { z } from "zod";
import { baseEnvSchema, parseEnv } from "../../shared/env.ts";
import { jwtClaimEnv } from "../../shared/jwt.ts";

/** Workers caps WebCrypto PBKDF2 at 100,000 iterations (wrangler dev does not). */
export const WORKERS_MAX_PBKDF2_ITERATIONS = 100_000;

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Everything the auth service reads from env, parsed once per env object. */
export const authEnvSchema = baseEnvSchema.extend({
  /** Private Ed25519 JWK with `kid` (`deno task keygen`). */
  JWT_PRIVATE_JWK: z.string().min(1),
  /** JSON array of earlier public JWKs still within a token lifetime (rotation). */
  JWT_PREVIOUS_PUBLIC_JWKS: z.string().optional(),
  ...jwtClaimEnv.shape,
  /** docs/api.md: at most 15 minutes. */
  ACCESS_TOKEN_TTL_SECONDS: int(30, 900, 900),
  /** A session not refreshed for this long is over. */
  SESSION_IDLE_TTL_SECONDS: int(60, 90 * 86400, 7 * 86400),
  /** A session ends this long after login whatever happens. */
  SESSION_ABSOLUTE_TTL_SECONDS: int(60, 365 * 86400, 30 * 86400),
  /** A spent refresh token presented again within this many seconds gets a pair instead of revoking. */
  REFRESH_REUSE_GRACE_SECONDS: int(0, 10, 10),
  /** PBKDF2-HMAC-SHA256 work factor; above 100,000 Workers rejects the call. */
  PASSWORD_PBKDF2_ITERATIONS: int(
    1000,
    WORKERS_MAX_PBKDF2_ITERATIONS,
    WORKERS_MAX_PBKDF2_ITERATIONS,
  ),
  /** Optional secret HMAC key applied before PBKDF2 (a pepper; never stored in the database). */
  PASSWORD_PEPPER: z.string().min(32).optional(),
  /** docs/api.md: failed logins per account at most 10 a minute. */
  // docs/api.md: at most 10 a minute per account and address, 100 per account.
  RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS: int(1, 10, 10),
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: int(1, 100, 100),
  RATE_LIMIT_LOGIN_PER_IP: int(1, 1_000_000, 300),
  RATE_LIMIT_SIGNUP_PER_IP: int(1, 1_000_000, 100),
  /** Trust `X-Forwarded-For` (only behind a proxy that sets it). */
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
});

export type AuthEnv = z.infer<typeof authEnvSchema>;

/** The parsed auth env of this request's bindings. */
export const authEnv = (env: unknown): AuthEnv => parseEnv(authEnvSchema, (env ?? {}) as object);
