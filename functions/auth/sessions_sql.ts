/**
 * Queries over `auth.sessions`. Every Bearer route of the auth service
 * checks in the same statement that the token's session is still live, so
 * a revoked session's access token stops working here at once.
 *
 * @module
 */
import type { Sql } from "../../shared/db.ts";
import type { UserRow } from "./accounts_sql.ts";

/** Who asks: the access token's `sub` and `sid`, and the idle lifetime. */
export interface Caller {
  sub: string;
  sid: string;
  idleTtlSeconds: number;
}

/** The user behind a live session, or undefined when the session is over. */
export async function userOfLiveSession(sql: Sql, c: Caller): Promise<UserRow | undefined> {
  const rows = await sql`
    SELECT u.id, u.email, u.name, u.role, u.created_at
    FROM auth.sessions s JOIN auth.users u ON u.id = s.user_id
    WHERE s.id = ${c.sid} AND s.user_id = ${c.sub} AND s.revoked_at IS NULL AND s.expires_at > now()
      AND s.last_used_at > now() - make_interval(secs => ${c.idleTtlSeconds}::int)`;
  return rows[0] as UserRow | undefined;
}

/** A session as `GET /auth/sessions` lists it. */
export interface SessionRow {
  id: string;
  created_at: Date;
  last_used_at: Date;
  user_agent: string | null;
}

/** The caller's live sessions, newest first. */
export async function liveSessions(sql: Sql, c: Caller): Promise<SessionRow[]> {
  const rows = await sql`
    SELECT id, created_at, last_used_at, user_agent FROM auth.sessions
    WHERE user_id = ${c.sub} AND revoked_at IS NULL AND expires_at > now()
      AND last_used_at > now() - make_interval(secs => ${c.idleTtlSeconds}::int)
    ORDER BY created_at DESC, id`;
  return rows as SessionRow[];
}

/** Which sessions a logout or a DELETE ends. */
export type Target = { scope: "local" | "global" | "others" } | { id: string };

/**
 * Revokes the caller's sessions that `target` names, only if the caller's
 * own session is live. `authed` false means the token's session is over
 * (401); `revoked` lists the sessions that ended.
 */
export async function revokeSessions(
  sql: Sql,
  c: Caller,
  target: Target,
): Promise<{ authed: boolean; revoked: string[] }> {
  const scope = "scope" in target ? target.scope : "id";
  const id = "id" in target ? target.id : null;
  const rows = await sql`
    WITH cur AS (
      SELECT 1 FROM auth.sessions
      WHERE id = ${c.sid} AND user_id = ${c.sub} AND revoked_at IS NULL AND expires_at > now()
        AND last_used_at > now() - make_interval(secs => ${c.idleTtlSeconds}::int)
    ), ended AS (
      UPDATE auth.sessions SET revoked_at = now(), revoked_reason = ${`logout:${scope}`}
      WHERE user_id = ${c.sub} AND revoked_at IS NULL AND expires_at > now() AND EXISTS (SELECT 1 FROM cur)
        AND CASE ${scope}::text
          WHEN 'local' THEN id = ${c.sid}::uuid
          WHEN 'others' THEN id <> ${c.sid}::uuid
          WHEN 'global' THEN true
          ELSE id = ${id}::uuid
        END
      RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM cur) AS authed,
      (SELECT coalesce(array_agg(id::text), '{}') FROM ended) AS revoked`;
  return rows[0] as { authed: boolean; revoked: string[] };
}
