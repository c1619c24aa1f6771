/**
 * What checkout needs from a payment processor. Shaped after Stripe's
 * PaymentIntents so a Stripe adapter is a drop-in (see README.md): every call
 * that moves money takes an idempotency key, and the key for a charge is
 * derived from the order id, so retrying a charge whose answer was lost
 * returns the original charge instead of charging twice.
 */

/**
 * A charge that went through or was declined; both are final answers. A
 * decline has no charge id when the provider refused the payment method
 * before creating anything (Stripe: an unknown or unusable PaymentMethod).
 */
export type ChargeResult =
  | { status: "succeeded"; chargeId: string }
  | { status: "declined"; chargeId: string | null; declineCode: string };

export interface ChargeRequest {
  /** Idempotency key: the same key returns the first result, never a second charge. */
  idempotencyKey: string;
  orderId: string;
  amountCents: number;
  currency: string;
  /** A payment method id (`pm_card_visa`, or a Stripe `pm_...`). */
  paymentMethod: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  chargeId: string;
  amountCents: number;
}

export interface PaymentProvider {
  /**
   * Creates and confirms a payment in one call (Stripe: `POST
   * /v1/payment_intents` with `confirm=true`). A decline is a result, not an
   * error; a thrown error means the outcome is unknown and the same request
   * must be retried with the same key.
   */
  charge(req: ChargeRequest): Promise<ChargeResult>;
  /**
   * The charge made under `idempotencyKey`, or null if none was made. Used by
   * the sweep before it releases stock (Stripe: search PaymentIntents by
   * `metadata['order_id']`), never to create one.
   */
  findCharge(idempotencyKey: string, orderId: string): Promise<ChargeResult | null>;
  /** Refunds a succeeded charge in full; idempotent by key. Returns the refund id. */
  refund(req: RefundRequest): Promise<{ refundId: string }>;
}

/** Raised by a provider when it answered that the request itself is wrong (not retryable). */
export class PaymentProviderError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = "PaymentProviderError";
  }
}

/** The provider idempotency key of an order's charge: stable across every retry of that order. */
export const chargeKey = (orderId: string) => `order_${orderId}_charge`;

/** The provider idempotency key of an order's refund. */
export const refundKey = (orderId: string) => `order_${orderId}_refund`;
