import type { Sql } from "../../../shared/db.ts";
import type { CheckoutEnv } from "../env.ts";
import { chargeKey, type PaymentProvider } from "../payments/provider.ts";
import { commitPaid, releaseOrder } from "./finish_sql.ts";
import { orderAbandoned, paymentDeclined } from "./responses.ts";

export interface SweepResult {
  /** Abandoned orders the provider had charged: committed and marked paid. */
  paid: number;
  /** Abandoned orders released: declined at the provider, or never charged. */
  released: number;
  /** Orders left for the next run (the provider could not be asked). */
  skipped: number;
  /** Idempotency keys older than the retention, deleted. */
  pruned: number;
  /** True when a released order put a product back in stock (bump the catalog version). */
  flipped: boolean;
}

/**
 * The sweep's Postgres deadline. It is maintenance (cron, or an admin's
 * call), resolving up to 100 orders with a provider call each: it may take
 * longer than a shopper's request (DB_TIMEOUT_MS), but never hang.
 */
export const SWEEP_DB_TIMEOUT_MS = 30_000;

/** The path stored responses name as `instance`: the one the original request used. */
const ORDERS_PATH = "/checkout/orders";

/**
 * Resolves pending orders whose request never came back, then prunes old
 * keys. An order is abandoned when its key sits at `order_created`, its
 * lease has run out and nobody touched it for CHECKOUT_ABANDON_AFTER_SECONDS.
 * The sweep takes the key's lease itself (so a late retry gets 409 in use
 * instead of racing it), asks the provider whether the charge happened, and
 * only then acts: charged → paid (exactly what the retry would have done);
 * declined → released with the decline; no charge → released, payment
 * canceled, and the key answers 409 `order_abandoned` from then on.
 * Production runs it from a Workers cron trigger (see README.md).
 */
export async function sweepAbandoned(
  sql: Sql,
  provider: PaymentProvider,
  env: CheckoutEnv,
  opts: { limit?: number } = {},
): Promise<SweepResult> {
  const token = crypto.randomUUID();
  const claimed = await sql.query(
    `UPDATE checkout.idempotency_keys k
       SET lock_token = $1, locked_until = now() + make_interval(secs => $2), last_run_at = now()
     WHERE k.id IN (
       SELECT k2.id FROM checkout.idempotency_keys k2
       JOIN checkout.orders o ON o.id = k2.order_id AND o.status = 'pending'
       WHERE k2.recovery_point = 'order_created'
         AND (k2.locked_until IS NULL OR k2.locked_until < now())
         AND k2.last_run_at < now() - make_interval(secs => $3)
       ORDER BY k2.last_run_at LIMIT $4 FOR UPDATE OF k2 SKIP LOCKED)
     RETURNING k.order_id`,
    [token, env.CHECKOUT_KEY_LEASE_SECONDS, env.CHECKOUT_ABANDON_AFTER_SECONDS, opts.limit ?? 100],
  ) as { order_id: string }[];

  const result: SweepResult = { paid: 0, released: 0, skipped: 0, pruned: 0, flipped: false };
  for (const { order_id } of claimed) {
    let charge;
    try {
      charge = await provider.findCharge(chargeKey(order_id), order_id);
    } catch {
      result.skipped++;
      continue;
    }
    if (charge?.status === "succeeded") {
      await commitPaid(sql, order_id, charge.chargeId);
      result.paid++;
      continue;
    }
    const released = await releaseOrder(sql, {
      orderId: order_id,
      paymentStatus: charge ? "failed" : "canceled",
      declineCode: charge?.status === "declined" ? charge.declineCode : null,
      chargeId: charge?.chargeId ?? null,
      response: charge?.status === "declined"
        ? paymentDeclined(ORDERS_PATH, order_id, charge.declineCode)
        : orderAbandoned(ORDERS_PATH, order_id),
    });
    result.released++;
    result.flipped ||= released.flipped;
  }

  // Keys of pending orders are never pruned: the sweep resolves them first.
  const pruned = await sql.query(
    `DELETE FROM checkout.idempotency_keys
     WHERE created_at < now() - make_interval(hours => $1) AND recovery_point <> 'order_created'
     RETURNING id`,
    [env.CHECKOUT_KEY_RETENTION_HOURS],
  ) as unknown[];
  result.pruned = pruned.length;
  return result;
}
