import { bearerSecurity, jsonBody, jsonResponse, problemResponse } from "../../shared/openapi.ts";
import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../shared/app.ts";
import { requireUser } from "../../shared/auth.ts";
import { ApiError, unauthorized } from "../../shared/errors.ts";
import { deps } from "./deps.ts";
import { caller } from "./caller.ts";
import { ownVerifier } from "./own_verifier.ts";
import { tokenPair } from "./issue.ts";
import { rotateRefreshToken } from "./tokens_sql.ts";
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from "./refresh_token.ts";
import { revokeSessions } from "./sessions_sql.ts";
import { TokenPair } from "./accounts_schemas.ts";
import { LogoutBody, RefreshBody } from "./tokens_schemas.ts";

const invalidRefresh = () =>
  new ApiError(
    401,
    "invalid_refresh_token",
    "The refresh token is invalid, spent or its session has ended",
  );

/** Refresh-token rotation and logout. */
export function tokensRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "post",
      path: "/token/refresh",
      operationId: "refreshToken",
      summary: "Trade a refresh token for a new token pair",
      tags: ["tokens"],
      security: [],
      request: jsonBody(RefreshBody),
      responses: {
        200: jsonResponse("A new token pair; the presented refresh token is spent", TokenPair),
        400: problemResponse("validation_failed"),
        401: problemResponse("invalid_refresh_token"),
      },
    }),
    async (c) => {
      const { env, sql, announceRevoked } = deps(c);
      const { refresh_token } = c.req.valid("json");
      if (!looksLikeRefreshToken(refresh_token)) throw invalidRefresh();
      const next = newRefreshToken();
      const [presented, nextHash] = await Promise.all([
        hashRefreshToken(refresh_token),
        hashRefreshToken(next),
      ]);
      const outcome = await rotateRefreshToken(sql, presented, nextHash, {
        idleTtlSeconds: env.SESSION_IDLE_TTL_SECONDS,
        graceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
      });
      if (outcome.kind === "reused") {
        c.get("log").warn("Refresh token replayed after the grace; session revoked");
        await announceRevoked([outcome.sessionId]);
        throw invalidRefresh();
      }
      if (outcome.kind === "invalid") throw invalidRefresh();
      return c.json(await tokenPair(env, outcome.user, outcome.sessionId, next), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/logout",
      operationId: "logout",
      summary: "End this session, all sessions, or all others",
      tags: ["tokens"],
      security: bearerSecurity,
      middleware: [requireUser({ verifier: ownVerifier })] as const,
      request: jsonBody(LogoutBody, false),
      responses: { 204: { description: "Signed out" }, 401: problemResponse("unauthorized") },
    }),
    async (c) => {
      const { env, sql, announceRevoked } = deps(c);
      // The body is optional: without one, hono hands over no parsed value.
      const scope = c.req.valid("json")?.scope ?? "local";
      const result = await revokeSessions(sql, caller(c, env), { scope });
      if (!result.authed) throw unauthorized("The session has ended");
      await announceRevoked(result.revoked);
      return c.body(null, 204);
    },
  );

  return router;
}
