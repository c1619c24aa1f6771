import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { AccessTokenVerifier } from "../../shared/jwt.ts";
import { authEnv } from "./env.ts";
import { type SigningKeys, signingKeys } from "./signing_key.ts";

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
