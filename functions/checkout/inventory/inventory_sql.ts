import type { Sql } from "../../../shared/db.ts";

export interface Inventory {
  product_id: string;
  on_hand: number;
  reserved: number;
  available: number;
}

/** One product's stock, or null when it has no inventory row. One round trip. */
export async function getInventory(sql: Sql, productId: string): Promise<Inventory | null> {
  const rows = await sql.query(
    `SELECT product_id, on_hand, reserved, on_hand - reserved AS available
     FROM checkout.inventory WHERE product_id = $1`,
    [productId],
  ) as Inventory[];
  return rows[0] ?? null;
}

export type SetOnHandResult =
  | { kind: "ok"; inventory: Inventory; availableBefore: number }
  | { kind: "not_in_catalog" }
  | { kind: "below_reserved"; reserved: number };

/**
 * Sets on_hand for a catalog product, creating its row if needed, in one
 * transaction (one round trip). Refuses to go below what pending orders
 * reserved instead of breaking their reservations.
 */
export async function setOnHand(
  sql: Sql,
  productId: string,
  onHand: number,
): Promise<SetOnHandResult> {
  const [before, written, now] = await sql.transaction([
    // Lock the row first so "before" is what this write replaces.
    sql.query(
      `SELECT on_hand - reserved AS available FROM checkout.inventory WHERE product_id = $1 FOR UPDATE`,
      [productId],
    ),
    sql.query(
      `INSERT INTO checkout.inventory AS i (product_id, on_hand)
       SELECT id, $2 FROM catalog.product_prices WHERE id = $1
       ON CONFLICT (product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = now()
         WHERE i.reserved <= EXCLUDED.on_hand
       RETURNING product_id, on_hand, reserved, on_hand - reserved AS available`,
      [productId, onHand],
    ),
    sql.query(
      `SELECT EXISTS (SELECT 1 FROM catalog.product_prices WHERE id = $1) AS in_catalog,
              (SELECT reserved FROM checkout.inventory WHERE product_id = $1) AS reserved`,
      [productId],
    ),
  ]) as unknown as [
    { available: number }[],
    Inventory[],
    { in_catalog: boolean; reserved: number | null }[],
  ];
  if (!now[0].in_catalog) return { kind: "not_in_catalog" };
  if (!written[0]) return { kind: "below_reserved", reserved: now[0].reserved ?? 0 };
  return { kind: "ok", inventory: written[0], availableBefore: before[0]?.available ?? 0 };
}
