import type { Sql } from "../../../shared/db.ts";
import { ApiError } from "../../../shared/errors.ts";
import { type PaymentProvider, refundKey } from "../payments/provider.ts";
import { isOrderId } from "./read_sql.ts";
import { LOCK_ORDER_STOCK } from "./finish_sql.ts";
import { type Order, ORDER_JSON } from "./order_json.ts";

type Target = { status: string; charge_id: string | null; total_cents: number };

/**
 * paid → canceled: refund through the provider (idempotent by a key derived
 * from the order id), then in ONE batch return the stock (on_hand += q) and
 * mark the order canceled, guarded by `status = 'paid'`. If the process dies
 * between the refund and the batch, the order stays paid and a retried
 * cancel refunds again (the provider answers the same refund) and finishes.
 * Round trips: Postgres 2, the provider 1. The batch after the refund runs
 * on `afterRefund()` (the route gives it fresh deadlines, as for the work
 * after a charge): a slow refund must not doom recording it.
 */
export async function cancelOrder(
  sql: Sql,
  provider: PaymentProvider,
  q: { id: string; userId: string; isAdmin: boolean },
  afterRefund: () => Sql = () => sql,
): Promise<{ order: Order; flipped: boolean }> {
  const [target] = !isOrderId(q.id) ? [] : await sql.query(
    `SELECT status, charge_id, total_cents FROM checkout.orders WHERE id = $1 AND (user_id = $2 OR $3)`,
    [q.id, q.userId, q.isAdmin],
  ) as Target[];
  if (!target) throw new ApiError(404, "not_found", `Cannot find order "${q.id}"`);
  if (target.status !== "paid" || !target.charge_id) {
    throw new ApiError(
      409,
      "invalid_state",
      `Cannot cancel an order that is ${target.status}; only paid orders can be`,
      { order_status: target.status },
    );
  }
  let refundId: string;
  try {
    ({ refundId } = await provider.refund({
      idempotencyKey: refundKey(q.id),
      chargeId: target.charge_id,
      amountCents: target.total_cents,
    }));
  } catch (err) {
    throw new ApiError(
      502,
      "payment_provider_unavailable",
      "Cannot refund the payment right now; retry the cancel",
      {
        order_id: q.id,
        cause: err instanceof Error ? err.name : "Error",
      },
    );
  }
  return await markCanceled(afterRefund(), q.id, refundId);
}

/**
 * paid → canceled after the refund, in ONE batch: return the stock and mark
 * the order canceled and refunded, guarded by `status = 'paid'` (a second run
 * changes nothing). Used by the cancel route and by Stripe's
 * `charge.refunded` webhook (a refund made in the Dashboard, or a cancel
 * whose process died after refunding).
 */
export async function markCanceled(
  sql: Sql,
  orderId: string,
  refundId: string | null,
): Promise<{ order: Order; flipped: boolean }> {
  const results = await sql.transaction([
    sql.query(`SELECT id FROM checkout.orders WHERE id = $1 FOR UPDATE`, [orderId]),
    sql.query(LOCK_ORDER_STOCK, [orderId]),
    sql.query(
      `UPDATE checkout.inventory i SET on_hand = i.on_hand + oi.quantity, updated_at = now()
       FROM checkout.order_items oi JOIN checkout.orders o ON o.id = oi.order_id
       WHERE oi.order_id = $1 AND o.status = 'paid' AND i.product_id = oi.product_id
       RETURNING i.on_hand - i.reserved - oi.quantity = 0 AS flipped`,
      [orderId],
    ),
    sql.query(
      `UPDATE checkout.orders SET status = 'canceled', payment_status = 'refunded', refund_id = $2, updated_at = now()
       WHERE id = $1 AND status = 'paid'`,
      [orderId, refundId],
    ),
    sql.query(`SELECT ${ORDER_JSON} AS "order" FROM checkout.orders o WHERE o.id = $1`, [orderId]),
  ], { isolationLevel: "ReadCommitted" }) as unknown as [
    unknown,
    unknown,
    { flipped: boolean }[],
    unknown,
    {
      order: Order;
    }[],
  ];
  return { order: results[4][0].order, flipped: results[2].some((r) => r.flipped) };
}
