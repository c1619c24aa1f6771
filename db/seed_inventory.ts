/** Anything with a pg-style `query(text, params)`: a `pg.Client`, a `Pool`, or `neon()`'s `sql`. */
export interface Queryable {
  query(text: string, params: unknown[]): Promise<unknown>;
}

/**
 * Gives every catalog product a deterministic on_hand of 0–50 (from an md5
 * of its id, stable across runs and Postgres versions), for seeding a dev or
 * bench database. Re-running it resets on_hand, except where pending orders
 * hold more than the seed value. Bump the catalog version afterwards if a
 * search cache may be warm.
 */
export async function seedInventory(db: Queryable, opts: { max?: number } = {}): Promise<void> {
  const max = opts.max ?? 50;
  await db.query(
    `INSERT INTO checkout.inventory AS i (product_id, on_hand)
     SELECT id, (('x' || substr(md5(id), 1, 8))::bit(32)::bigint % ($1::int + 1))::int
     FROM catalog.product_prices
     ON CONFLICT (product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = now()
       WHERE i.reserved <= EXCLUDED.on_hand`,
    [max],
  );
}
