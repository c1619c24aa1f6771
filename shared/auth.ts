import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./app_env.ts";
import { ApiError, unauthorized } from "./errors.ts";
import {
  type AccessTokenVerifier,
  JwksUnavailableError,
  type Role,
  TokenError,
  verifierFor,
} from "./jwt.ts";
import { traceHeaders } from "./trace.ts";

/** The caller, as `requireUser()` puts it in `c.get("user")`. */
export interface AuthUser {
  id: string;
  role: Role;
  sessionId: string;
  tokenId: string;
  expiresAt: Date;
}

// Typed for every context, as hono's own request-id middleware declares
// `requestId`: shared/app.ts then needs no import of this file (no cycle).
declare module "hono" {
  interface ContextVariableMap {
    user: AuthUser;
  }
}

/** Options for `requireUser`; services other than auth need none. */
export interface RequireUserOptions {
  /** Which verifier to use; default: the one `AUTH_JWKS` / `AUTH_JWKS_URL` in env describe. */
  verifier?: (c: Context<AppEnv>) => AccessTokenVerifier | Promise<AccessTokenVerifier>;
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header || header.length > 8192) return undefined;
  return BEARER.exec(header)?.[1];
}

async function authenticate(
  c: Context<AppEnv>,
  opts: RequireUserOptions,
): Promise<AuthUser> {
  const token = bearerToken(c.req.header("Authorization"));
  if (!token) throw unauthorized();
  const verifier = opts.verifier ? await opts.verifier(c) : verifierFor(c.env);
  try {
    const claims = await verifier.verify(token, traceHeaders(c.get("trace")));
    return {
      id: claims.sub,
      role: claims.role,
      sessionId: claims.sid,
      tokenId: claims.jti,
      expiresAt: new Date(claims.exp * 1000),
    };
  } catch (err) {
    if (err instanceof TokenError) {
      c.get("log")?.debug("Rejected an access token", { reason: err.reason });
      throw unauthorized();
    }
    if (err instanceof JwksUnavailableError) {
      c.get("log")?.error("Cannot verify access tokens", { err });
      throw new ApiError(
        503,
        "auth_unavailable",
        "Cannot verify access tokens right now",
      );
    }
    throw err;
  }
}

/**
 * Middleware: 401 `unauthorized` (with `WWW-Authenticate: Bearer`) unless
 * the request carries a valid access token; sets `c.get("user")`.
 * Verification is offline; routes that must refuse a revoked session's
 * token at once add `requireLiveSession()` (shared/revocation.ts).
 */
export function requireUser(
  opts: RequireUserOptions = {},
): MiddlewareHandler<AppEnv> {
  return async function requireUser(c, next) {
    c.set("user", await authenticate(c, opts));
    await next();
  };
}

/** Middleware: like `requireUser()` (which it runs if not done yet), then 403 `forbidden` unless the role matches. */
export function requireRole(
  role: Role,
  opts: RequireUserOptions = {},
): MiddlewareHandler<AppEnv> {
  return async function requireRole(c, next) {
    let user = c.get("user");
    if (!user) c.set("user", user = await authenticate(c, opts));
    if (user.role !== role) {
      throw new ApiError(
        403,
        "forbidden",
        `This action needs the "${role}" role`,
      );
    }
    await next();
  };
}
