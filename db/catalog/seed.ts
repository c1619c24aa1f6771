/**
 * Bulk loaders for seeding (owner URL, plain `pg`, not the edge path):
 * batches go in as one INSERT ... SELECT FROM jsonb_to_recordset each,
 * which on a laptop loads roughly 10–20k products a second with every
 * search index live.
 */
// @ts-types="@types/pg"
import pg from "pg";
import { COLS, RECORD_TYPES, UPDATE_SET } from "../../functions/search/product_sql.ts";
import { generateCatalog, type GeneratedProduct } from "./generator.ts";

// The bulk API's columns and update (functions/search/product_sql.ts), plus
// the generated created_at, which the API never takes.
const SEED_SQL = `INSERT INTO catalog.products AS t (${COLS}, created_at, updated_at)
  SELECT ${COLS}, created_at, created_at
  FROM jsonb_to_recordset($1::jsonb) AS x(${RECORD_TYPES}, created_at timestamptz)
  ON CONFLICT (id) DO UPDATE SET ${UPDATE_SET}, created_at = excluded.created_at`;

export interface SeedOptions {
  /** Owner (or edgeshop_search) URL of the database to fill. */
  databaseUrl: string;
  /** How many products (default 3000). */
  count?: number;
  /** PRNG seed (default 42): the same seed always gives the same catalog. */
  seed?: number;
  /** Product ids are `${idPrefix}0000000`, `${idPrefix}0000001`, ... (default "gen-"). */
  idPrefix?: string;
  batchSize?: number;
  log?: (line: string) => void;
}

/** Writes one batch of generated products (idempotent: re-seeding updates in place). */
export async function insertGenerated(
  client: pg.Client,
  products: GeneratedProduct[],
): Promise<void> {
  await client.query(SEED_SQL, [JSON.stringify(products)]);
}

/**
 * Seeds a deterministic generated catalog. Re-running with the same options
 * rewrites the same rows. Inventory is checkout's: give it the ids
 * `${idPrefix}0000000` to `${idPrefix}${count - 1}` (zero-padded to 7).
 */
export async function seedCatalog(
  opts: SeedOptions,
): Promise<{ inserted: number; ms: number; idPrefix: string }> {
  const count = opts.count ?? 3000;
  const seed = opts.seed ?? 42;
  const idPrefix = opts.idPrefix ?? "gen-";
  const batchSize = opts.batchSize ?? 2000;
  const log = opts.log ?? (() => {});
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  const t0 = performance.now();
  try {
    for (let start = 0; start < count; start += batchSize) {
      await insertGenerated(
        client,
        generateCatalog(seed, Math.min(batchSize, count - start), start, idPrefix),
      );
      if (count > batchSize * 5 && (start / batchSize) % 10 === 0) {
        log(`seeded ${start + batchSize}/${count}`);
      }
    }
    // Fresh statistics so the first searches get good plans.
    await client.query("ANALYZE catalog.products");
  } finally {
    await client.end();
  }
  const ms = Math.round(performance.now() - t0);
  log(`seeded ${count} products in ${ms} ms`);
  return { inserted: count, ms, idPrefix };
}
