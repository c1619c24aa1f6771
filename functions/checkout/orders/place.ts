import type { Redis } from "@upstash/redis";
import { callerRevokedKey, refuseRevoked } from "../../../shared/revocation.ts";
import type { Context } from "hono";
import type { Sql } from "../../../shared/db.ts";
import type { AppEnv } from "../../../shared/app.ts";
import { ApiError } from "../../../shared/errors.ts";
import { cartKey, clearCart, readCartAndRevocation } from "../cart/store.ts";
import type { CheckoutEnv } from "../env.ts";
import { chargeKey, type ChargeResult, type PaymentProvider } from "../payments/provider.ts";
import { announceStockFlip } from "../stock_signal.ts";
import { beginOrder } from "./begin_sql.ts";
import {
  commitPaid,
  finishKey,
  releaseLease,
  releaseOrder,
  type StoredResponse,
} from "./finish_sql.ts";
import { requestFingerprint } from "./fingerprint.ts";
import { cartEmpty, insufficientStock, paymentDeclined } from "./responses.ts";
import type { PlaceOrderBody } from "./orders_schemas.ts";
import { withTimeout } from "../../../shared/timeout.ts";
import type { Deadlines } from "../../../shared/deadline.ts";
import { serviceUnavailable } from "../../../shared/unavailable.ts";

export interface PlaceOrder {
  c: Context<AppEnv>;
  env: CheckoutEnv;
  sql: Sql;
  redis: Redis;
  /** The deadlines `sql` and `redis` run under. */
  deadlines: Deadlines;
  /** Clients under fresh deadlines, for the work after a charge. */
  afterCharge: () => { sql: PlaceOrder["sql"]; redis: Redis };
  provider: PaymentProvider;
  userId: string;
  key: string;
  body: PlaceOrderBody;
}

/**
 * POST /checkout/orders with recovery points (started → order_created →
 * finished). Happy path: Redis 1 (read cart), Postgres 1 (phase 1), the
 * provider, Postgres 1 (phase 3), Redis 1 (empty the cart). Any failure after
 * the key is claimed ends the lease early and leaves the key at its last
 * recovery point, from which a retry with the same key (or the sweep) goes on.
 *
 * Deadlines: the charge starts only while the request's Postgres and Redis
 * deadlines hold, so a request that answered 503 never charges later; the
 * charge has its own PAYMENT_TIMEOUT_MS; what follows a charge runs under
 * fresh deadlines (a slow charge must not doom the commit of a paid order),
 * and if it fails anyway the order stays pending for a retry or the sweep.
 */
export async function placeOrder(
  p: PlaceOrder,
): Promise<StoredResponse & { replayed?: true }> {
  const { c, env, sql, redis } = p;
  const path = c.req.path;
  const cart = cartKey(env.REDIS_PREFIX, p.userId);
  // The session check (revocation) rides in the cart read's Redis request.
  const [fingerprint, { lines, revoked }] = await Promise.all([
    requestFingerprint("POST /checkout/orders", p.body),
    readCartAndRevocation(redis, cart, callerRevokedKey(c, env.REDIS_PREFIX)),
  ]);
  refuseRevoked(revoked);
  const lease = { userId: p.userId, key: p.key, lockToken: crypto.randomUUID() };
  const begun = await beginOrder(sql, {
    ...lease,
    fingerprint,
    leaseSeconds: env.CHECKOUT_KEY_LEASE_SECONDS,
    orderId: crypto.randomUUID(),
    lines,
    paymentMethod: p.body.payment_method,
    shippingAddress: p.body.shipping_address,
  });
  const k = begun.key;
  if (!k.same_body) {
    throw new ApiError(
      422,
      "idempotency_key_reused",
      "Cannot reuse this Idempotency-Key: it was first used with a different request body",
    );
  }
  if (k.recovery_point === "finished") {
    return { status: k.response_status!, body: k.response_body!, replayed: true };
  }
  if (!k.mine) {
    throw new ApiError(
      409,
      "idempotency_key_in_use",
      "Cannot run this request yet: another request with the same Idempotency-Key is in progress",
      {},
      { "Retry-After": "1" },
    );
  }

  try {
    if (k.recovery_point === "started") {
      // Phase 1 wrote nothing: the answer is final and stored for replays.
      const answer = begun.lines.length === 0
        ? cartEmpty(path)
        : insufficientStock(path, begun.lines);
      return await finishKey(sql, lease, answer);
    }
    if (begun.created) {
      announceStockFlip(
        c,
        env,
        begun.lines.some((l) => l.available > 0 && l.available === l.requested),
      );
    }
    const order = k.order!;
    // Past the deadline the client has its 503 (or is about to): charging now
    // would charge an order whose request failed. Nothing is charged; a retry
    // with the same key resumes the pending order, or the sweep releases it.
    if (p.deadlines.postgres.aborted) throw serviceUnavailable("Postgres");
    let charge: ChargeResult;
    try {
      charge = await withTimeout(
        p.provider.charge({
          idempotencyKey: chargeKey(order.id),
          orderId: order.id,
          amountCents: order.total_cents,
          currency: order.currency,
          paymentMethod: order.payment.method,
        }),
        env.PAYMENT_TIMEOUT_MS,
        "The payment provider",
      );
    } catch (err) {
      c.get("log").warn("Payment outcome unknown; the order stays pending for a retry", {
        err,
        order_id: order.id,
      });
      const timedOut = err instanceof DOMException && err.name === "TimeoutError";
      throw new ApiError(
        timedOut ? 504 : 502,
        "payment_provider_unavailable",
        "Cannot confirm the payment right now; retry with the same Idempotency-Key",
        { order_id: order.id },
      );
    }
    const after = p.afterCharge();
    if (charge.status === "succeeded") {
      const answer = await commitPaid(after.sql, order.id, charge.chargeId);
      if (answer.status === 201) {
        // The order is paid whatever Redis does; a cart left behind is a nuisance, not an error.
        await clearCart(after.redis, cart).catch((err) =>
          c.get("log").warn("Cannot empty the cart", { err })
        );
      }
      return answer;
    }
    const released = await releaseOrder(after.sql, {
      orderId: order.id,
      paymentStatus: "failed",
      declineCode: charge.declineCode,
      chargeId: charge.chargeId,
      response: paymentDeclined(path, order.id, charge.declineCode),
    });
    announceStockFlip(c, env, released.flipped);
    return released;
  } catch (err) {
    await releaseLease(sql, lease).catch(() => {});
    throw err;
  }
}
