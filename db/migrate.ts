/**
 * Applies `db/migrations/*.sql` in name order, each in its own transaction,
 * and records it in `public.edgeshop_migrations`. Applied files are skipped,
 * so running it again is safe; an applied file whose content changed is an
 * error (write a new migration instead).
 *
 * Usage: deno task migrate   (MIGRATE_DATABASE_URL or DATABASE_URL, owner role)
 */
// @ts-types="@types/pg"
import pg from "pg";
import { sha256Hex } from "../shared/encoding.ts";

const DIR = new URL("./migrations/", import.meta.url);

/** Service roles whose password `migrate` sets from env when given (production). */
const ROLE_PASSWORDS: Record<string, string> = {
  edgeshop_auth: "AUTH_DB_PASSWORD",
  edgeshop_search: "SEARCH_DB_PASSWORD",
  edgeshop_checkout: "CHECKOUT_DB_PASSWORD",
};

/** Applies pending migrations to the database at `url`; returns the names applied. */
export async function migrate(
  url: string,
  opts: { log?: (line: string) => void; passwords?: Record<string, string> } = {},
): Promise<string[]> {
  const log = opts.log ?? (() => {});
  const files = [];
  for await (const entry of Deno.readDir(DIR)) {
    if (entry.isFile && entry.name.endsWith(".sql")) files.push(entry.name);
  }
  files.sort();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    // Serialises concurrent runs (two `deno task dev` at once) on one database.
    await client.query("SELECT pg_advisory_lock(hashtext('edgeshop_migrations'))");
    await client.query(`CREATE TABLE IF NOT EXISTS public.edgeshop_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      "SELECT name, checksum FROM public.edgeshop_migrations",
    );
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const name of files) {
      const sql = await Deno.readTextFile(new URL(name, DIR));
      const checksum = await sha256Hex(sql);
      if (done.has(name)) {
        if (done.get(name) !== checksum) {
          throw new Error(`Cannot migrate: "${name}" changed after it was applied`);
        }
        continue;
      }
      try {
        await client.query("BEGIN");
        await client.query(sql);
        await client.query(
          "INSERT INTO public.edgeshop_migrations (name, checksum) VALUES ($1, $2)",
          [name, checksum],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`Cannot migrate: "${name}" failed: ${(err as Error).message}`);
      }
      applied.push(name);
      log(`applied ${name}`);
    }
    for (const [role, password] of Object.entries(opts.passwords ?? {})) {
      // ALTER ROLE takes no bind parameters; the literal is quoted by Postgres itself.
      const { rows: [q] } = await client.query<{ q: string }>("SELECT quote_literal($1) AS q", [
        password,
      ]);
      await client.query(`ALTER ROLE ${role} PASSWORD ${q.q}`);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('edgeshop_migrations'))").catch(
      () => {},
    );
    await client.end();
  }
  return applied;
}

if (import.meta.main) {
  const url = Deno.env.get("MIGRATE_DATABASE_URL") ?? Deno.env.get("DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/edgeshop";
  const passwords: Record<string, string> = {};
  for (const [role, variable] of Object.entries(ROLE_PASSWORDS)) {
    const value = Deno.env.get(variable);
    if (value) passwords[role] = value;
  }
  const applied = await migrate(url, { log: console.log, passwords });
  console.log(applied.length ? `${applied.length} migration(s) applied` : "Database is up to date");
}
