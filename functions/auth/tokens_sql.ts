import type { Sql } from "../../shared/db.ts";
import type { UserRow } from "./accounts_sql.ts";

/** Lifetimes a refresh is judged by. */
export interface RefreshPolicy {
  idleTtlSeconds: number;
  graceSeconds: number;
}

/** What happened to a presented refresh token. */
export type RefreshOutcome =
  | { kind: "rotated"; user: UserRow; sessionId: string }
  | { kind: "invalid" }
  | { kind: "reused"; sessionId: string };

/**
 * Rotates a refresh token in ONE statement (one round trip, atomic):
 *
 * 1. `spend` marks the token spent and counts the use. Its row lock
 *    serialises concurrent refreshes of the same token: the second waits,
 *    then re-reads the row and sees `uses = 2`.
 * 2. A first use, or a repeat within the grace, is `fresh`. `touch` then
 *    extends the session, re-checking liveness on the latest row version
 *    (so a logout that commits meanwhile wins), and `issue` stores the new
 *    token's hash only if `touch` did.
 * 3. A repeat after the grace is a replay: `revoke` ends the whole session,
 *    so its newest token fails too.
 */
export async function rotateRefreshToken(
  sql: Sql,
  presentedHash: string,
  newHash: string,
  p: RefreshPolicy,
): Promise<RefreshOutcome> {
  const rows = await sql`
    WITH spend AS (
      UPDATE auth.refresh_tokens SET spent_at = coalesce(spent_at, now()), uses = uses + 1
      WHERE token_hash = ${presentedHash}
      RETURNING session_id, uses, spent_at
    ), verdict AS (
      SELECT session_id, (uses = 1 OR spent_at > now() - make_interval(secs => ${p.graceSeconds}::int)) AS fresh
      FROM spend
    ), touch AS (
      UPDATE auth.sessions s SET last_used_at = now()
      FROM verdict v
      WHERE s.id = v.session_id AND v.fresh AND s.revoked_at IS NULL AND s.expires_at > now()
        AND s.last_used_at > now() - make_interval(secs => ${p.idleTtlSeconds}::int)
      RETURNING s.id, s.user_id
    ), revoke AS (
      UPDATE auth.sessions s SET revoked_at = now(), revoked_reason = 'refresh_token_reuse'
      FROM verdict v
      WHERE s.id = v.session_id AND NOT v.fresh AND s.revoked_at IS NULL
      RETURNING s.id
    ), issue AS (
      INSERT INTO auth.refresh_tokens (token_hash, session_id) SELECT ${newHash}, id FROM touch
      RETURNING session_id
    )
    SELECT 'rotated' AS kind, i.session_id, u.id, u.email, u.name, u.role, u.created_at
      FROM issue i JOIN touch t ON t.id = i.session_id JOIN auth.users u ON u.id = t.user_id
    UNION ALL
    SELECT 'reused', id, NULL, NULL, NULL, NULL, NULL FROM revoke`;
  const row = rows[0] as (UserRow & { kind: string; session_id: string }) | undefined;
  if (!row) return { kind: "invalid" };
  if (row.kind === "reused") return { kind: "reused", sessionId: row.session_id };
  const { id, email, name, role, created_at } = row;
  return {
    kind: "rotated",
    sessionId: row.session_id,
    user: { id, email, name, role, created_at },
  };
}
