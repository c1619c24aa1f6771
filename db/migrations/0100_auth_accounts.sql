-- Auth service: accounts, sessions and refresh tokens (schema auth; the
-- edgeshop_auth role gets DML through the default privileges in 0001).
CREATE TABLE auth.users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Stored normalised (trimmed, lower case) so the unique index is the
  -- case-insensitive comparison API.md asks for.
  email text NOT NULL CHECK (email = lower(btrim(email)) AND length(email) BETWEEN 3 AND 320),
  name text CHECK (length(name) <= 200),
  role text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
  -- Self-describing: scheme$iterations$salt$hash (see functions/auth/password.ts).
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON auth.users (email);

CREATE TABLE auth.sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  user_agent text,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Moves on every refresh; the idle lifetime counts from here.
  last_used_at timestamptz NOT NULL DEFAULT now(),
  -- The absolute lifetime, fixed at login.
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_user_live_idx ON auth.sessions (user_id, created_at) WHERE revoked_at IS NULL;

CREATE TABLE auth.refresh_tokens (
  -- SHA-256 (hex) of the opaque token; the token itself is never stored.
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES auth.sessions (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  spent_at timestamptz,
  -- How often it was presented: 1 is the normal rotation, more is a
  -- concurrent retry (within the grace) or a replay (after it).
  uses integer NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_session_idx ON auth.refresh_tokens (session_id);
