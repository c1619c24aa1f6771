import Stripe from "stripe";
import type { CheckoutEnv } from "../env.ts";
import {
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  PaymentProviderError,
  type RefundRequest,
} from "./provider.ts";

/**
 * The `decline_code`s docs/api.md names. Stripe has many more; the others are
 * answered as `generic_decline`, as Stripe itself advises for codes such as
 * `stolen_card` or `fraudulent` that must not be shown to the card holder.
 */
const DECLINE_CODES = new Set([
  "generic_decline",
  "insufficient_funds",
  "expired_card",
  "processing_error",
  "authentication_required",
]);

/** A Stripe decline (or error code) as one of the contract's `decline_code`s. */
export function contractDeclineCode(code: string | null | undefined): string {
  return code && DECLINE_CODES.has(code) ? code : "generic_decline";
}

/**
 * A Stripe client for this request's env. `STRIPE_API_BASE` splits into the
 * SDK's host/port/protocol; the fetch client and no SDK retries: a retry is
 * the caller's, with the same Idempotency-Key. The SDK's own timeout is a
 * backstop just past PAYMENT_TIMEOUT_MS, which the order flow enforces (504).
 */
export function stripeClient(env: CheckoutEnv): Stripe {
  const base = new URL(env.STRIPE_API_BASE);
  const protocol = base.protocol === "http:" ? "http" : "https";
  return new Stripe(env.STRIPE_SECRET_KEY!, {
    httpClient: Stripe.createFetchHttpClient(),
    protocol,
    host: base.hostname,
    port: base.port || (protocol === "http" ? 80 : 443),
    maxNetworkRetries: 0,
    timeout: env.PAYMENT_TIMEOUT_MS + 1000,
  });
}

/** What a PaymentIntent's current state says about its charge; null while it is undecided. */
export function intentOutcome(pi: Stripe.PaymentIntent): ChargeResult | null {
  switch (pi.status) {
    case "succeeded":
      return { status: "succeeded", chargeId: pi.id };
    case "requires_action":
      // 3-D Secure needs the card holder in a browser; a server-only checkout cannot do it.
      return { status: "declined", chargeId: pi.id, declineCode: "authentication_required" };
    case "requires_payment_method":
      if (!pi.last_payment_error) return null;
      return {
        status: "declined",
        chargeId: pi.id,
        declineCode: contractDeclineCode(
          pi.last_payment_error.decline_code ?? pi.last_payment_error.code,
        ),
      };
    default:
      return null;
  }
}

type StripeErrorLike = {
  type?: string;
  statusCode?: number;
  code?: string;
  decline_code?: string;
  param?: string;
  payment_intent?: { id: string };
  message?: string;
};

/**
 * `PaymentProvider` over Stripe's PaymentIntents and Refunds APIs (see
 * README.md). A card decline is a result; every other failure is thrown:
 * 5xx, 429, 409 (the same key still running), timeouts and network errors
 * leave the outcome unknown, so the order waits for a retry with the same
 * key or for the sweep, which asks Stripe.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly #stripe: Stripe;

  constructor(env: CheckoutEnv) {
    this.#stripe = stripeClient(env);
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    let pi: Stripe.PaymentIntent;
    try {
      pi = await this.#stripe.paymentIntents.create({
        amount: req.amountCents,
        currency: req.currency.toLowerCase(),
        payment_method: req.paymentMethod,
        // The method given, confirmed now; no redirect-based methods a server cannot complete.
        automatic_payment_methods: { enabled: false },
        confirm: true,
        // 3-D Secure needs the card holder in a browser: fail the attempt (402
        // authentication_required) rather than leave a PaymentIntent waiting for it.
        error_on_requires_action: true,
        metadata: { order_id: req.orderId },
      }, { idempotencyKey: req.idempotencyKey });
    } catch (err) {
      const e = err as StripeErrorLike;
      if (e.statusCode === 402 && e.type === "StripeCardError" && e.payment_intent?.id) {
        return {
          status: "declined",
          chargeId: e.payment_intent.id,
          declineCode: contractDeclineCode(e.decline_code ?? e.code),
        };
      }
      // Stripe refused the payment method before creating anything (no such PaymentMethod, or
      // one that cannot be used): a decline, not an unknown. Unless an earlier attempt whose key
      // Stripe has since forgotten (24 h) did charge it: the order's PaymentIntent says so.
      if (
        e.statusCode === 400 && e.type === "StripeInvalidRequestError" &&
        e.param === "payment_method"
      ) {
        return await this.findCharge(req.idempotencyKey, req.orderId) ??
          { status: "declined", chargeId: null, declineCode: "generic_decline" };
      }
      throw unknownOutcome(e);
    }
    const outcome = intentOutcome(pi);
    if (!outcome) {
      throw new PaymentProviderError(`PaymentIntent ${pi.id} is ${pi.status}`, true);
    }
    return outcome;
  }

  /**
   * Looks the order's PaymentIntent up by the order id in its metadata
   * (Stripe's search; it lags writes by up to a minute, which the env rule
   * CHECKOUT_ABANDON_AFTER_SECONDS ≥ 300 covers). Never creates anything.
   */
  async findCharge(_idempotencyKey: string, orderId: string): Promise<ChargeResult | null> {
    if (!/^[0-9a-f-]{36}$/.test(orderId)) throw new Error(`Not an order id: ${orderId}`);
    const found = await this.#stripe.paymentIntents.search({
      query: `metadata['order_id']:'${orderId}'`,
      limit: 10,
    });
    const outcomes = found.data.map((pi) => [pi, intentOutcome(pi)] as const);
    const paid = outcomes.find(([, o]) => o?.status === "succeeded");
    if (paid) return paid[1];
    // Still processing: not known yet, so the sweep leaves the order for its next run.
    const open = outcomes.find(([pi, o]) => !o && pi.status !== "canceled");
    if (open) throw new PaymentProviderError(`PaymentIntent ${open[0].id} is undecided`, true);
    return outcomes.find(([, o]) => o)?.[1] ?? null;
  }

  async refund(req: RefundRequest): Promise<{ refundId: string }> {
    try {
      const refund = await this.#stripe.refunds.create(
        { payment_intent: req.chargeId, amount: req.amountCents },
        { idempotencyKey: req.idempotencyKey },
      );
      return { refundId: refund.id };
    } catch (err) {
      const e = err as StripeErrorLike;
      // Refunded already (in the Dashboard, or under another key): that refund is the answer,
      // so a cancel never waits on a refund that cannot be made twice.
      if (e.code === "charge_already_refunded") {
        const { data } = await this.#stripe.refunds.list({
          payment_intent: req.chargeId,
          limit: 10,
        });
        const done = data.find((r) => r.status === "succeeded" || r.status === "pending");
        if (done) return { refundId: done.id };
      }
      throw unknownOutcome(e);
    }
  }
}

/** A Stripe error as the provider error the flow expects: retryable unless Stripe refused the request itself. */
function unknownOutcome(e: StripeErrorLike): PaymentProviderError {
  const status = e.statusCode;
  const retryable = status === undefined || status === 409 || status === 429 || status >= 500;
  // The message names the Stripe error, never the key or the request body.
  return new PaymentProviderError(
    `Stripe ${status ?? "unreachable"} ${e.type ?? "Error"}${e.code ? ` ${e.code}` : ""}`,
    retryable,
  );
}
