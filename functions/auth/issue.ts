import type { Role } from "../../shared/jwt.ts";
import { signAccessToken } from "./access_token.ts";
import type { UserRow } from "./accounts_sql.ts";
import type { AuthEnv } from "./env.ts";
import { signingKeys } from "./signing_key.ts";

/** The body signup, login and refresh answer with. */
export interface TokenPair {
  user: UserRow;
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  expires_in: number;
}

/** Signs an access token for `user` in `sessionId` and packs it with the refresh token. */
export async function tokenPair(
  env: AuthEnv,
  user: UserRow,
  sessionId: string,
  refreshToken: string,
): Promise<TokenPair> {
  const keys = await signingKeys(env.JWT_PRIVATE_JWK, env.JWT_PREVIOUS_PUBLIC_JWKS);
  const access = await signAccessToken(keys, {
    sub: user.id,
    sid: sessionId,
    role: user.role as Role,
  }, {
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
  });
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      created_at: user.created_at,
    },
    access_token: access.token,
    refresh_token: refreshToken,
    token_type: "Bearer",
    expires_in: access.expiresIn,
  };
}

/** The password hashing parameters of this env. */
export const hashParams = (env: AuthEnv) => ({
  iterations: env.PASSWORD_PBKDF2_ITERATIONS,
  pepper: env.PASSWORD_PEPPER,
});
