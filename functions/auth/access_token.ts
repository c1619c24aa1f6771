import { SignJWT } from "jose";
import type { Role } from "../../shared/jwt.ts";
import type { SigningKeys } from "./signing_key.ts";

/** Who the token is for. */
export interface AccessTokenSubject {
  sub: string;
  sid: string;
  role: Role;
}

/** How tokens are stamped. */
export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** Epoch milliseconds; injectable for tests. */
  now?: number;
}

/** A signed access token and when it expires. */
export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
}

/**
 * Signs an RFC 9068 access token: EdDSA, `typ: at+jwt`, `kid`, and the
 * claims docs/api.md lists. The one signing path for the service and for tests.
 */
export async function signAccessToken(
  keys: Pick<SigningKeys, "kid" | "privateKey">,
  subject: AccessTokenSubject,
  opts: AccessTokenOptions,
): Promise<IssuedAccessToken> {
  const iat = Math.floor((opts.now ?? Date.now()) / 1000);
  const jti = crypto.randomUUID();
  const token = await new SignJWT({ sid: subject.sid, role: subject.role })
    .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: keys.kid })
    .setIssuer(opts.issuer)
    .setAudience(opts.audience)
    .setSubject(subject.sub)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(iat + opts.ttlSeconds)
    .sign(keys.privateKey);
  return { token, jti, expiresIn: opts.ttlSeconds };
}
