import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { requireRole } from "../../shared/auth.ts";
import { bearerSecurity, problemResponse } from "../../shared/openapi.ts";
import { requireLiveSession } from "../../shared/revocation.ts";
import { deps } from "./deps.ts";

/**
 * Middleware of every admin route: a valid admin token (403 otherwise) whose
 * session is not revoked (shared/revocation.ts), checked before the write.
 * One Redis round trip: the writes go to Postgres first, so there is no
 * earlier Redis command to carry the check.
 */
export const requireAdmin = (): MiddlewareHandler<AppEnv>[] => [
  requireRole("admin"),
  requireLiveSession((c) => {
    const { env, redis } = deps(c);
    return { redis, prefix: env.REDIS_PREFIX };
  }),
];

/** What every admin route's `createRoute()` spreads in: the guard and its OpenAPI security. */
export const adminRoute = () => ({ middleware: requireAdmin(), security: bearerSecurity });

/** The guard's own answers, for an admin route's `responses`. */
export const adminErrors = {
  401: problemResponse("unauthorized"),
  403: problemResponse("forbidden: the admin role is needed"),
};
