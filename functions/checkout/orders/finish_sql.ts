import type { Sql } from "../../../shared/db.ts";
import { ORDER_JSON } from "./order_json.ts";

/** The response stored on an idempotency key: what every replay answers. */
export interface StoredResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Locks an order's inventory rows in product id order, as phase 1 does, so no two batches deadlock. */
export const LOCK_ORDER_STOCK = `SELECT i.product_id FROM checkout.inventory i
  JOIN checkout.order_items oi ON oi.product_id = i.product_id
  WHERE oi.order_id = $1 ORDER BY i.product_id FOR UPDATE OF i`;

const READ_RESPONSE = `SELECT response_status AS status, response_body AS body
  FROM checkout.idempotency_keys WHERE order_id = $1`;

type Batch = [unknown, unknown, { flipped: boolean }[], unknown, unknown, StoredResponse[]];

/**
 * Atomic phase 3 after a successful charge, ONE batch: commit the reserved
 * stock (on_hand -= q, reserved -= q), mark the order paid, and store the
 * 201 response on its key. Guarded by `status = 'pending'`, so running it
 * twice (a retry, the sweep) is harmless. Answers the stored response.
 */
export async function commitPaid(
  sql: Sql,
  orderId: string,
  chargeId: string,
): Promise<StoredResponse> {
  const results = await sql.transaction([
    sql.query(`SELECT id FROM checkout.orders WHERE id = $1 FOR UPDATE`, [orderId]),
    sql.query(LOCK_ORDER_STOCK, [orderId]),
    sql.query(
      `UPDATE checkout.inventory i
       SET on_hand = i.on_hand - oi.quantity, reserved = i.reserved - oi.quantity, updated_at = now()
       FROM checkout.order_items oi JOIN checkout.orders o ON o.id = oi.order_id
       WHERE oi.order_id = $1 AND o.status = 'pending' AND i.product_id = oi.product_id
       RETURNING false AS flipped`,
      [orderId],
    ),
    sql.query(
      `UPDATE checkout.orders SET status = 'paid', payment_status = 'succeeded', charge_id = $2, updated_at = now()
       WHERE id = $1 AND status = 'pending'`,
      [orderId, chargeId],
    ),
    sql.query(
      `UPDATE checkout.idempotency_keys k SET recovery_point = 'finished', response_status = 201,
         response_body = (SELECT ${ORDER_JSON} FROM checkout.orders o WHERE o.id = $1),
         locked_until = NULL
       WHERE k.order_id = $1 AND k.recovery_point <> 'finished'`,
      [orderId],
    ),
    sql.query(READ_RESPONSE, [orderId]),
  ], { isolationLevel: "ReadCommitted" }) as unknown as Batch;
  return results[5][0];
}

export interface ReleaseInput {
  orderId: string;
  /** `failed` for a decline, `canceled` when the sweep gives up on an order never charged. */
  paymentStatus: "failed" | "canceled";
  declineCode: string | null;
  chargeId: string | null;
  response: StoredResponse;
}

/**
 * Atomic phase 3 after a decline (or an abandoned, uncharged order), ONE
 * batch: release the reservation, mark the order payment_failed, store the
 * response on its key. Guarded by `status = 'pending'` like `commitPaid`.
 * Answers the stored response and whether a product came back in stock.
 */
export async function releaseOrder(
  sql: Sql,
  input: ReleaseInput,
): Promise<StoredResponse & { flipped: boolean }> {
  const { orderId } = input;
  const results = await sql.transaction([
    sql.query(`SELECT id FROM checkout.orders WHERE id = $1 FOR UPDATE`, [orderId]),
    sql.query(LOCK_ORDER_STOCK, [orderId]),
    sql.query(
      `UPDATE checkout.inventory i SET reserved = i.reserved - oi.quantity, updated_at = now()
       FROM checkout.order_items oi JOIN checkout.orders o ON o.id = oi.order_id
       WHERE oi.order_id = $1 AND o.status = 'pending' AND i.product_id = oi.product_id
       RETURNING i.on_hand - i.reserved - oi.quantity = 0 AS flipped`,
      [orderId],
    ),
    sql.query(
      `UPDATE checkout.orders SET status = 'payment_failed', payment_status = $2, decline_code = $3,
         charge_id = $4, updated_at = now()
       WHERE id = $1 AND status = 'pending'`,
      [orderId, input.paymentStatus, input.declineCode, input.chargeId],
    ),
    sql.query(
      `UPDATE checkout.idempotency_keys SET recovery_point = 'finished', response_status = $2,
         response_body = $3::jsonb, locked_until = NULL
       WHERE order_id = $1 AND recovery_point <> 'finished'`,
      [orderId, input.response.status, JSON.stringify(input.response.body)],
    ),
    sql.query(READ_RESPONSE, [orderId]),
  ], { isolationLevel: "ReadCommitted" }) as unknown as Batch;
  return { ...results[5][0], flipped: results[2].some((r) => r.flipped) };
}

/** Finishes a key that never got an order (cart empty, stock short) with its response. */
export async function finishKey(
  sql: Sql,
  k: { userId: string; key: string; lockToken: string },
  response: StoredResponse,
): Promise<StoredResponse> {
  const rows = await sql.query(
    `UPDATE checkout.idempotency_keys SET recovery_point = 'finished', response_status = $4,
       response_body = $5::jsonb, locked_until = NULL
     WHERE user_id = $1 AND idempotency_key = $2 AND lock_token = $3 AND recovery_point = 'started'
     RETURNING response_status AS status, response_body AS body`,
    [k.userId, k.key, k.lockToken, response.status, JSON.stringify(response.body)],
  ) as StoredResponse[];
  // Lost the lease meanwhile: whoever holds it now answers for the key.
  return rows[0] ?? response;
}

/**
 * Ends this request's lease early after a failure, so a retry with the same
 * key resumes at once instead of waiting the lease out. Best effort: if it
 * fails too, the lease simply expires.
 */
export async function releaseLease(
  sql: Sql,
  k: { userId: string; key: string; lockToken: string },
): Promise<void> {
  await sql.query(
    `UPDATE checkout.idempotency_keys SET locked_until = now()
     WHERE user_id = $1 AND idempotency_key = $2 AND lock_token = $3 AND recovery_point <> 'finished'`,
    [k.userId, k.key, k.lockToken],
  );
}
