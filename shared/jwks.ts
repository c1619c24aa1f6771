import { importJWK } from "jose";
import { z } from "zod";

/** One Ed25519 public key as the auth service publishes it. */
const publicJwkSchema = z.object({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string().min(1),
  kid: z.string().min(1),
  alg: z.literal("EdDSA").optional(),
  use: z.literal("sig").optional(),
}).loose();

/** `{ keys: [...] }` or a bare array of keys; anything not an Ed25519 signing key is dropped. */
const jwksSchema = z.union([
  z.object({ keys: z.array(z.unknown()) }).loose().transform((s) => s.keys),
  z.array(z.unknown()),
]);

/** A public Ed25519 JWK (`kty`, `crv`, `x`, `kid`, ...). */
export type PublicJwk = z.infer<typeof publicJwkSchema>;

/** Parses a JWKS document (object or array); keeps only well-formed Ed25519 signing keys. */
export function parseJwks(doc: unknown): PublicJwk[] {
  const list = jwksSchema.parse(doc);
  const keys: PublicJwk[] = [];
  for (const item of list) {
    const key = publicJwkSchema.safeParse(item);
    // A private `d` never belongs in a JWKS; refuse rather than serve or trust it.
    if (key.success && !("d" in key.data)) keys.push(key.data);
  }
  return keys;
}

/** Imports keys into a kid → CryptoKey map (a `Map`, so a hostile `kid` is only ever a lookup). */
export async function importJwks(
  keys: PublicJwk[],
): Promise<Map<string, CryptoKey>> {
  const entries = await Promise.all(
    keys.map(async (jwk) => {
      const { kid, kty, crv, x } = jwk;
      const key = await importJWK({ kty, crv, x }, "EdDSA", {
        extractable: false,
      });
      return [kid, key as CryptoKey] as const;
    }),
  );
  return new Map(entries);
}

/** How long one JWKS fetch may take. */
export const JWKS_FETCH_TIMEOUT_MS = 2000;

/** Fetches a JWKS over HTTP(S) without following redirects (the URL is configuration, not input). */
export async function fetchJwks(
  url: string,
  headers: Record<string, string> = {},
): Promise<PublicJwk[]> {
  const res = await fetch(url, {
    headers: { ...headers, Accept: "application/json" },
    // Workers supports only "follow" and "manual": a redirect is simply not ok.
    redirect: "manual",
    signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`Cannot fetch the JWKS: "${url}" answered ${res.status}`);
  }
  return parseJwks(await res.json());
}
