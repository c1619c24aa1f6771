import type { Sql } from "../../../shared/db.ts";
import { type Order, ORDER_JSON } from "./order_json.ts";
import { base64url } from "jose";
import { isUuid } from "../../../shared/ids.ts";

/** True when `id` can be an order id (anything else is simply not found, never a SQL error). */
export const isOrderId = isUuid;

/** One order, if it exists and `userId` may see it (an admin sees all). One round trip. */
export async function getOrder(
  sql: Sql,
  id: string,
  userId: string,
  isAdmin: boolean,
): Promise<Order | null> {
  if (!isOrderId(id)) return null;
  const rows = await sql.query(
    `SELECT ${ORDER_JSON} AS "order" FROM checkout.orders o WHERE o.id = $1 AND (o.user_id = $2 OR $3)`,
    [id, userId, isAdmin],
  ) as { order: Order }[];
  return rows[0]?.order ?? null;
}

/** Opaque keyset cursor: the `seq` of the last order on the page, base64url. */
export const encodeCursor = (seq: string) => base64url.encode(`o:${seq}`);

/** The seq a cursor points after, or null when it is not one of ours. */
export function decodeCursor(cursor: string): string | null {
  try {
    const text = new TextDecoder().decode(base64url.decode(cursor));
    const match = /^o:(\d{1,18})$/.exec(text);
    return match ? match[1] : null;
  } catch {
    return null;
  }
}

/** A user's orders (everyone's when `userId` is null), newest first, `limit` per page after `afterSeq`. One round trip. */
export async function listOrders(
  sql: Sql,
  userId: string | null,
  limit: number,
  afterSeq: string | null,
): Promise<{ orders: Order[]; next_cursor: string | null }> {
  const rows = await sql.query(
    `SELECT ${ORDER_JSON} AS "order", o.seq::text AS seq FROM checkout.orders o
     WHERE ($1::text IS NULL OR o.user_id = $1) AND ($2::bigint IS NULL OR o.seq < $2::bigint)
     ORDER BY o.seq DESC LIMIT $3`,
    [userId, afterSeq, limit + 1],
  ) as { order: Order; seq: string }[];
  const page = rows.slice(0, limit);
  const more = rows.length > limit;
  return {
    orders: page.map((r) => r.order),
    next_cursor: more ? encodeCursor(page[page.length - 1].seq) : null,
  };
}
