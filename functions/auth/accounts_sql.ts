/**
 * Queries over `auth.users`; each function is one round trip.
 *
 * @module
 */
import type { Sql } from "../../shared/db.ts";
import type { Role } from "../../shared/jwt.ts";

/** A user as docs/api.md shows it. */
export interface UserRow {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  created_at: Date;
}

/** Where and how long a new session lives. */
export interface NewSession {
  userAgent: string | null;
  ip: string;
  absoluteTtlSeconds: number;
  refreshHash: string;
}

/**
 * Creates the user, its first session and refresh token in one statement.
 * Answers no row when the email is taken (the unique index decides, so two
 * racing signups cannot both win).
 */
export async function insertUserWithSession(
  sql: Sql,
  user: { email: string; name: string | null; passwordHash: string },
  s: NewSession,
): Promise<(UserRow & { session_id: string }) | undefined> {
  const rows = await sql`
    WITH u AS (
      INSERT INTO auth.users (email, name, password_hash)
      VALUES (${user.email}, ${user.name}, ${user.passwordHash})
      ON CONFLICT (email) DO NOTHING
      RETURNING id, email, name, role, created_at
    ), s AS (
      INSERT INTO auth.sessions (user_id, user_agent, ip, expires_at)
      SELECT id, ${s.userAgent}, ${s.ip}, now() + make_interval(secs => ${s.absoluteTtlSeconds}::int)
      FROM u RETURNING id, user_id
    ), t AS (
      INSERT INTO auth.refresh_tokens (token_hash, session_id)
      SELECT ${s.refreshHash}, id FROM s RETURNING session_id
    )
    SELECT u.*, t.session_id FROM u JOIN s ON s.user_id = u.id JOIN t ON t.session_id = s.id`;
  return rows[0] as (UserRow & { session_id: string }) | undefined;
}

/** The account behind a normalised email, with its password hash. */
export async function findUserByEmail(
  sql: Sql,
  email: string,
): Promise<(UserRow & { password_hash: string }) | undefined> {
  const rows = await sql`
    SELECT id, email, name, role, created_at, password_hash FROM auth.users WHERE email = ${email}`;
  return rows[0] as (UserRow & { password_hash: string }) | undefined;
}

/**
 * Opens a session with its first refresh token and, when the stored hash
 * was made with old parameters, replaces it, all in one statement. The
 * rehash only applies if the hash is still the one just verified.
 */
export async function startSession(
  sql: Sql,
  userId: string,
  s: NewSession,
  rehash?: { from: string; to: string },
): Promise<string> {
  const rows = await sql`
    WITH s AS (
      INSERT INTO auth.sessions (user_id, user_agent, ip, expires_at)
      VALUES (${userId}, ${s.userAgent}, ${s.ip}, now() + make_interval(secs => ${s.absoluteTtlSeconds}::int))
      RETURNING id
    ), t AS (
      INSERT INTO auth.refresh_tokens (token_hash, session_id) SELECT ${s.refreshHash}, id FROM s
    ), r AS (
      UPDATE auth.users SET password_hash = ${rehash?.to ?? null}, updated_at = now()
      WHERE id = ${userId} AND ${rehash?.to ?? null}::text IS NOT NULL AND password_hash = ${
    rehash?.from ?? null
  }
    )
    SELECT id FROM s`;
  return (rows[0] as { id: string }).id;
}

/** Creates or updates an account with a given role and password (the admin seed). */
export async function upsertUser(
  sql: Sql,
  user: { email: string; name: string | null; passwordHash: string; role: Role },
): Promise<UserRow> {
  const rows = await sql`
    INSERT INTO auth.users (email, name, password_hash, role)
    VALUES (${user.email}, ${user.name}, ${user.passwordHash}, ${user.role})
    ON CONFLICT (email) DO UPDATE
      SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, updated_at = now()
    RETURNING id, email, name, role, created_at`;
  return rows[0] as UserRow;
}
