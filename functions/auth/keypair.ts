import { exportJWK, generateKeyPair } from "jose";

/** A fresh Ed25519 key pair as JWK strings, as the env expects them. */
export interface KeyPairJwk {
  kid: string;
  privateJwk: string;
  publicJwk: string;
}

/** Generates an Ed25519 signing key; `kid` is dated so operators can tell keys apart. */
export async function generateSigningKeyPair(
  kid?: string,
): Promise<KeyPairJwk> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", {
    crv: "Ed25519",
    extractable: true,
  });
  const id = kid ??
    `${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`;
  const priv = await exportJWK(privateKey);
  const pub = await exportJWK(publicKey);
  return {
    kid: id,
    privateJwk: JSON.stringify({
      kty: priv.kty,
      crv: priv.crv,
      d: priv.d,
      x: priv.x,
      kid: id,
    }),
    publicJwk: JSON.stringify({
      kty: pub.kty,
      crv: pub.crv,
      x: pub.x,
      kid: id,
      alg: "EdDSA",
      use: "sig",
    }),
  };
}
