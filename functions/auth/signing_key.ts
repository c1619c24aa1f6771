import { importJWK } from "jose";
import { z } from "zod";
import { parseJwks, type PublicJwk } from "../../shared/jwks.ts";

/** The private Ed25519 JWK in `JWT_PRIVATE_JWK`. */
const privateJwkSchema = z.object({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  d: z.string().min(1),
  x: z.string().min(1),
  kid: z.string().min(1).max(200),
});

/** The service's current signing key and every public key it still vouches for. */
export interface SigningKeys {
  kid: string;
  privateKey: CryptoKey;
  /** Current first, then `JWT_PREVIOUS_PUBLIC_JWKS`: what `/.well-known/jwks.json` serves. */
  publicJwks: PublicJwk[];
}

const cache = new Map<string, Promise<SigningKeys>>();

async function load(
  privateJwk: string,
  previous: string | undefined,
): Promise<SigningKeys> {
  const jwk = privateJwkSchema.parse(JSON.parse(privateJwk));
  const privateKey = await importJWK(jwk, "EdDSA", {
    extractable: false,
  }) as CryptoKey;
  const current: PublicJwk = {
    kty: "OKP",
    crv: "Ed25519",
    x: jwk.x,
    kid: jwk.kid,
    alg: "EdDSA",
    use: "sig",
  };
  const older = previous ? parseJwks(JSON.parse(previous)) : [];
  const publicJwks = [
    current,
    ...older
      .filter((k) => k.kid !== jwk.kid)
      .map(({ kty, crv, x, kid }) => ({
        kty,
        crv,
        x,
        kid,
        alg: "EdDSA" as const,
        use: "sig" as const,
      })),
  ];
  return { kid: jwk.kid, privateKey, publicJwks };
}

/**
 * Imports `JWT_PRIVATE_JWK` (+ `JWT_PREVIOUS_PUBLIC_JWKS`) once per isolate:
 * importing costs more than signing, and the values change only on deploy.
 */
export function signingKeys(
  privateJwk: string,
  previous?: string,
): Promise<SigningKeys> {
  const key = `${privateJwk}\n${previous ?? ""}`;
  let keys = cache.get(key);
  if (!keys) {
    if (cache.size >= 8) cache.clear();
    keys = load(privateJwk, previous);
    // A bad value must not stay cached as a rejected promise forever.
    keys.catch(() => cache.delete(key));
    cache.set(key, keys);
  }
  return keys;
}
