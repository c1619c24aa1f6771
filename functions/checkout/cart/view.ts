import type { Sql } from "../../../shared/db.ts";
import type { CartLine } from "./store.ts";

/** A priced cart as docs/api.md's `cart`. */
export interface CartView {
  items: {
    product_id: string;
    name: string;
    unit_price_cents: number;
    quantity: number;
    line_total_cents: number;
    available: number;
  }[];
  subtotal_cents: number;
  currency: "USD";
}

/** One product's catalog price and current stock. */
export type PriceRow = { product_id: string; name: string; price_cents: number; available: number };

/**
 * Prices and stock for every line in ONE Postgres round trip. A product
 * missing from the catalog gets no row, so its line is left out of the view
 * (and out of any order placed from it); it stays in Redis and comes back if
 * the product does. A product without an inventory row has 0 available.
 */
export const PRICE_LINES_SQL = `
  SELECT p.id AS product_id, p.name, p.price_cents,
         COALESCE(i.on_hand - i.reserved, 0)::int AS available
  FROM catalog.product_prices p
  LEFT JOIN checkout.inventory i ON i.product_id = p.id
  WHERE p.id = ANY($1::text[])`;

/** Catalog price and stock of `ids` (one round trip; none for no ids). */
export async function fetchPrices(sql: Sql, ids: string[]): Promise<Map<string, PriceRow>> {
  const rows = ids.length === 0 ? [] : await sql.query(PRICE_LINES_SQL, [ids]) as PriceRow[];
  return new Map(rows.map((r) => [r.product_id, r]));
}

/** Prices `lines` from the catalog as it is now (no Postgres trip for an empty cart). */
export async function priceCart(sql: Sql, lines: CartLine[]): Promise<CartView> {
  return buildCart(lines, await fetchPrices(sql, lines.map((l) => l.product_id)));
}

/** The cart view of `lines` given their prices; lines without a price are left out. */
export function buildCart(lines: CartLine[], byId: Map<string, PriceRow>): CartView {
  const items: CartView["items"] = [];
  for (const line of lines) {
    const row = byId.get(line.product_id);
    if (!row) continue;
    items.push({
      product_id: line.product_id,
      name: row.name,
      unit_price_cents: row.price_cents,
      quantity: line.quantity,
      line_total_cents: row.price_cents * line.quantity,
      available: row.available,
    });
  }
  const subtotal_cents = items.reduce((sum, i) => sum + i.line_total_cents, 0);
  return { items, subtotal_cents, currency: "USD" };
}
