import type { BaseEnv } from "../../../shared/env.ts";
import { sqlClient } from "../../../shared/db.ts";
import {
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  PaymentProviderError,
  type RefundRequest,
} from "./provider.ts";

/**
 * Stripe test mode's payment method ids and what each does. Kept here, next
 * to the provider that honours them; the request schema lists the same ids.
 */
export const TEST_PAYMENT_METHODS = {
  pm_card_visa: null,
  pm_card_mastercard: null,
  pm_card_chargeDeclined: "generic_decline",
  pm_card_chargeDeclinedInsufficientFunds: "insufficient_funds",
  pm_card_chargeDeclinedExpiredCard: "expired_card",
  pm_card_chargeDeclinedProcessingError: "processing_error",
} as const satisfies Record<string, string | null>;

export type TestPaymentMethod = keyof typeof TEST_PAYMENT_METHODS;

/**
 * The provider's own database connection is tagged with its own
 * application_name, so anyone counting the service's Postgres round trips
 * can tell the payment network's traffic apart (it stands in for Stripe).
 */
export const TEST_PROVIDER_APP_NAME = "edgeshop_test_payments";

type ChargeRow = {
  id: string;
  amount_cents: number;
  payment_method: string;
  status: "succeeded" | "failed";
  decline_code: string | null;
};

function toResult(row: ChargeRow): ChargeResult {
  return row.status === "succeeded"
    ? { status: "succeeded", chargeId: row.id }
    : { status: "declined", chargeId: row.id, declineCode: row.decline_code ?? "generic_decline" };
}

const CHARGE_SQL = `
  WITH ins AS (
    INSERT INTO checkout.test_provider_charges
      (idempotency_key, id, order_id, amount_cents, currency, payment_method, status, decline_code)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, amount_cents, payment_method, status, decline_code
  )
  SELECT * FROM ins
  UNION ALL
  SELECT id, amount_cents, payment_method, status, decline_code
  FROM checkout.test_provider_charges
  WHERE idempotency_key = $1 AND NOT EXISTS (SELECT 1 FROM ins)`;

const FIND_SQL = `SELECT id, amount_cents, payment_method, status, decline_code
  FROM checkout.test_provider_charges WHERE idempotency_key = $1`;

/**
 * A real implementation of `PaymentProvider` that behaves like Stripe test
 * mode: the test card ids succeed or decline with their codes, charges are
 * kept (in checkout.test_provider_charges) under their idempotency key, a
 * retried key returns the original charge, and reusing a key with other
 * parameters is refused.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly #sql;

  constructor(env: BaseEnv) {
    const url = new URL(env.DATABASE_URL);
    url.searchParams.set("application_name", TEST_PROVIDER_APP_NAME);
    this.#sql = sqlClient({ ...env, DATABASE_URL: url.toString() });
  }

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    if (!(req.paymentMethod in TEST_PAYMENT_METHODS)) {
      throw new PaymentProviderError(`No such PaymentMethod: "${req.paymentMethod}"`, false);
    }
    const declineCode = TEST_PAYMENT_METHODS[req.paymentMethod as TestPaymentMethod];
    const params = [
      req.idempotencyKey,
      `ch_test_${crypto.randomUUID().replaceAll("-", "")}`,
      req.orderId,
      req.amountCents,
      req.currency,
      req.paymentMethod,
      declineCode ? "failed" : "succeeded",
      declineCode,
    ];
    let [row] = await this.#sql.query(CHARGE_SQL, params) as ChargeRow[];
    // A concurrent first use of the key committed after this statement's
    // snapshot was taken: its row is visible to a fresh statement.
    row ??= (await this.#sql.query(FIND_SQL, [req.idempotencyKey]) as ChargeRow[])[0];
    if (!row) throw new PaymentProviderError("Cannot charge: the charge vanished", true);
    if (row.amount_cents !== req.amountCents || row.payment_method !== req.paymentMethod) {
      throw new PaymentProviderError(
        "Keys for idempotent requests can only be used with the same parameters",
        false,
      );
    }
    return toResult(row);
  }

  async findCharge(idempotencyKey: string): Promise<ChargeResult | null> {
    const [row] = await this.#sql.query(FIND_SQL, [idempotencyKey]) as ChargeRow[];
    return row ? toResult(row) : null;
  }

  async refund(req: RefundRequest): Promise<{ refundId: string }> {
    // A charge is refunded once, in full; asking again answers the same refund.
    const rows = await this.#sql.query(
      `UPDATE checkout.test_provider_charges
         SET refund_id = COALESCE(refund_id, $2), refunded_at = COALESCE(refunded_at, now())
       WHERE id = $1 AND status = 'succeeded' AND amount_cents = $3
       RETURNING refund_id`,
      [req.chargeId, `re_test_${crypto.randomUUID().replaceAll("-", "")}`, req.amountCents],
    ) as { refund_id: string }[];
    if (!rows[0]) {
      throw new PaymentProviderError(
        `Cannot refund "${req.chargeId}": no such succeeded charge`,
        false,
      );
    }
    return { refundId: rows[0].refund_id };
  }
}
