/**
 * Access tokens for tests of any service. One Ed25519 key pair per test
 * process; tokens are signed by the auth service's own signing code, and
 * `authTestEnv()` gives a service the matching verification settings.
 *
 *   const env = serviceEnv("checkout", authTestEnv());
 *   const token = await issueTestToken({ sub: userId, role: "customer" });
 *   await app.request("/checkout/cart", { headers: bearer(token) }, env);
 */
import { generateSigningKeyPair } from "../functions/auth/keypair.ts";
import { signAccessToken } from "../functions/auth/access_token.ts";
import { signingKeys } from "../functions/auth/signing_key.ts";
import type { Role } from "../shared/jwt.ts";

export const TEST_ISSUER = "edgeshop-auth-test";
export const TEST_AUDIENCE = "edgeshop";

const pair = await generateSigningKeyPair("test-key-1");

/** `JWT_PRIVATE_JWK`, `JWT_ISSUER`, `JWT_AUDIENCE` and `AUTH_JWKS` for this process's test key. */
export function authTestEnv(): {
  JWT_PRIVATE_JWK: string;
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  AUTH_JWKS: string;
} {
  return {
    JWT_PRIVATE_JWK: pair.privateJwk,
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
    AUTH_JWKS: JSON.stringify({ keys: [JSON.parse(pair.publicJwk)] }),
  };
}

/** The test key's public JWK (for tests that build their own JWKS). */
export const testPublicJwk = () => JSON.parse(pair.publicJwk) as Record<string, string>;

/** What a test token says; `sid` defaults to a random id, `ttlSeconds` to 900. */
export interface TestTokenClaims {
  sub: string;
  role: Role;
  sid?: string;
  ttlSeconds?: number;
  /** Epoch milliseconds the token is issued at (default now). */
  now?: number;
}

/** A valid access token for `sub` / `role`, signed with the test key. */
export async function issueTestToken(claims: TestTokenClaims): Promise<string> {
  const keys = await signingKeys(pair.privateJwk);
  const { token } = await signAccessToken(keys, {
    sub: claims.sub,
    sid: claims.sid ?? crypto.randomUUID(),
    role: claims.role,
  }, {
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    ttlSeconds: claims.ttlSeconds ?? 900,
    now: claims.now,
  });
  return token;
}

/** `{ Authorization: "Bearer <token>" }`. */
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
