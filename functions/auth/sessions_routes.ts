import { bearerSecurity, jsonResponse, problemResponse } from "../../shared/openapi.ts";
import { text } from "../../shared/text.ts";
import { isUuid } from "../../shared/ids.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../shared/app.ts";
import { requireUser } from "../../shared/auth.ts";
import { ApiError, unauthorized } from "../../shared/errors.ts";
import { deps } from "./deps.ts";
import { caller } from "./caller.ts";
import { ownVerifier } from "./own_verifier.ts";
import { liveSessions, revokeSessions } from "./sessions_sql.ts";
import { Session } from "./sessions_schemas.ts";

const notFound = (id: string) =>
  new ApiError(404, "not_found", `Cannot find session "${id.slice(0, 64)}"`);

/** The caller's sessions. */
export function sessionsRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/sessions",
      operationId: "listSessions",
      summary: "The user's live sessions",
      tags: ["sessions"],
      security: bearerSecurity,
      middleware: [requireUser({ verifier: ownVerifier })] as const,
      responses: {
        200: jsonResponse("Live sessions, newest first", z.object({ sessions: z.array(Session) })),
        401: problemResponse("unauthorized"),
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const who = caller(c, env);
      const rows = await liveSessions(sql, who);
      // The token's own session must be among the live ones (revocation is immediate here).
      if (!rows.some((s) => s.id === who.sid)) throw unauthorized("The session has ended");
      return c.json({ sessions: rows.map((s) => ({ ...s, current: s.id === who.sid })) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "delete",
      path: "/sessions/{id}",
      operationId: "revokeSession",
      summary: "Revoke one of the user's sessions",
      tags: ["sessions"],
      security: bearerSecurity,
      middleware: [requireUser({ verifier: ownVerifier })] as const,
      request: { params: z.object({ id: text().max(100) }) },
      responses: {
        204: { description: "Session ended" },
        401: problemResponse("unauthorized"),
        404: problemResponse("not_found"),
      },
    }),
    async (c) => {
      const { env, sql, announceRevoked } = deps(c);
      const { id } = c.req.valid("param");
      const who = caller(c, env);
      // Not a uuid cannot be one of ours: 404 like any other session that is not the caller's.
      const result = isUuid(id)
        ? await revokeSessions(sql, who, { id })
        : { authed: true, revoked: [] };
      if (!result.authed) throw unauthorized("The session has ended");
      if (result.revoked.length === 0) throw notFound(id);
      await announceRevoked(result.revoked);
      return c.body(null, 204);
    },
  );

  return router;
}
