-- One login role per service. Each may write only its own schema; a read
-- across services goes through a view the owning schema grants by name.
-- Roles are cluster-wide, so this is written to be re-run in any database.
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['edgeshop_auth', 'edgeshop_search', 'edgeshop_checkout'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', r);
    END IF;
  END LOOP;
END $$;

-- Nobody but the migrating owner creates objects in public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS catalog;
CREATE SCHEMA IF NOT EXISTS checkout;

GRANT USAGE ON SCHEMA auth TO edgeshop_auth;
GRANT USAGE ON SCHEMA catalog TO edgeshop_search;
GRANT USAGE ON SCHEMA checkout TO edgeshop_checkout;

-- Tables and sequences the owner creates later are readable and writable by
-- the owning service only.
ALTER DEFAULT PRIVILEGES IN SCHEMA auth
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO edgeshop_auth;
ALTER DEFAULT PRIVILEGES IN SCHEMA auth GRANT USAGE, SELECT ON SEQUENCES TO edgeshop_auth;
ALTER DEFAULT PRIVILEGES IN SCHEMA catalog
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO edgeshop_search;
ALTER DEFAULT PRIVILEGES IN SCHEMA catalog GRANT USAGE, SELECT ON SEQUENCES TO edgeshop_search;
ALTER DEFAULT PRIVILEGES IN SCHEMA checkout
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO edgeshop_checkout;
ALTER DEFAULT PRIVILEGES IN SCHEMA checkout GRANT USAGE, SELECT ON SEQUENCES TO edgeshop_checkout;
