/**
 * Prints a new Ed25519 signing key as env lines (`deno task keygen`).
 * Rotation: see functions/auth/README.md. Nothing is written to disk.
 */
import { generateSigningKeyPair } from "../functions/auth/keypair.ts";

if (import.meta.main) {
  const pair = await generateSigningKeyPair(Deno.args[0]);
  console.log("# auth service (secret)");
  console.log(`JWT_PRIVATE_JWK='${pair.privateJwk}'`);
  console.log(
    "# on rotation, append the OLD public key here for one access-token lifetime (+ skew)",
  );
  console.log("JWT_PREVIOUS_PUBLIC_JWKS='[]'");
  console.log(
    "# search and checkout (public; or set AUTH_JWKS_URL to /auth/.well-known/jwks.json)",
  );
  console.log(`AUTH_JWKS='{"keys":[${pair.publicJwk}]}'`);
}
