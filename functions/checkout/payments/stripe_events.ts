import type Stripe from "stripe";
import type { Sql } from "../../../shared/db.ts";
import { markCanceled } from "../orders/cancel.ts";
import { commitPaid, releaseOrder } from "../orders/finish_sql.ts";
import { isOrderId } from "../orders/read_sql.ts";
import { paymentDeclined } from "../orders/responses.ts";
import { type PaymentProvider, refundKey } from "./provider.ts";
import { intentOutcome } from "./stripe_provider.ts";

/** The events checkout applies; enable exactly these on the webhook endpoint. */
export const STRIPE_EVENTS = [
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.refunded",
] as const;

export interface EventOutcome {
  /** `applied` (whether or not it changed anything), `duplicate` (seen before), `ignored`. */
  result: "applied" | "duplicate" | "ignored";
  /** A product's availability crossed zero (bump the catalog version). */
  flipped: boolean;
  /** A charge for an order the sweep had already given up on, refunded here. */
  refunded?: string;
}

const ORDERS_PATH = "/checkout/orders";

/**
 * Applies one verified Stripe event. Each effect is the same guarded batch
 * the order flow runs (`status = 'pending'` / `'paid'`), so applying an event
 * twice, late or out of order changes nothing; the event id is recorded
 * after it was applied, so a crash in between only means Stripe's
 * redelivery applies it again, harmlessly. Round trips: Postgres 3.
 */
export async function applyStripeEvent(
  sql: Sql,
  provider: PaymentProvider,
  event: Stripe.Event,
): Promise<EventOutcome> {
  if (!(STRIPE_EVENTS as readonly string[]).includes(event.type)) {
    return { result: "ignored", flipped: false };
  }
  const seen = await sql.query(
    "SELECT 1 FROM checkout.stripe_events WHERE id = $1",
    [event.id],
  ) as unknown[];
  if (seen.length) return { result: "duplicate", flipped: false };
  const outcome = await apply(sql, provider, event);
  await sql.query(
    "INSERT INTO checkout.stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
    [event.id, event.type],
  );
  return outcome;
}

async function apply(sql: Sql, provider: PaymentProvider, event: Stripe.Event) {
  const none: EventOutcome = { result: "applied", flipped: false };
  if (event.type === "charge.refunded") {
    const charge = event.data.object;
    // A partial refund leaves the order paid: the shop decides what it means.
    if (!charge.refunded) return none;
    const pi = typeof charge.payment_intent === "string"
      ? charge.payment_intent
      : charge.payment_intent?.id;
    const [order] = pi
      ? await sql.query(
        "SELECT id FROM checkout.orders WHERE charge_id = $1 AND status = 'paid'",
        [pi],
      ) as { id: string }[]
      : [];
    if (!order) return none;
    const refundId = charge.refunds?.data?.[0]?.id ?? null;
    return { ...none, flipped: (await markCanceled(sql, order.id, refundId)).flipped };
  }
  if (event.type !== "payment_intent.succeeded" && event.type !== "payment_intent.payment_failed") {
    return none;
  }
  const pi = event.data.object;
  const orderId = pi.metadata?.order_id;
  // Not one of ours (another integration on the same Stripe account).
  if (!orderId || !isOrderId(orderId)) return { result: "ignored", flipped: false } as EventOutcome;
  const outcome = intentOutcome(pi);
  if (outcome?.status === "succeeded") {
    const answer = await commitPaid(sql, orderId, pi.id);
    if (answer?.body?.code !== "order_abandoned") return none;
    // The sweep released this order as never charged, and yet Stripe charged it:
    // give the money back rather than keep it for an order that will not ship.
    const { refundId } = await provider.refund({
      idempotencyKey: refundKey(orderId),
      chargeId: pi.id,
      amountCents: pi.amount,
    });
    return { ...none, refunded: refundId };
  }
  if (outcome?.status === "declined") {
    const released = await releaseOrder(sql, {
      orderId,
      paymentStatus: "failed",
      declineCode: outcome.declineCode,
      chargeId: pi.id,
      response: paymentDeclined(ORDERS_PATH, orderId, outcome.declineCode),
    });
    return { ...none, flipped: released.flipped };
  }
  return none;
}
