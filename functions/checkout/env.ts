import { z } from "zod";
import { baseEnvSchema, parseEnv } from "../../shared/env.ts";
import { withJwtEnv } from "../../shared/jwt.ts";

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Everything checkout reads from env: base, Bearer-token verification, and its own knobs. */
export const checkoutEnvSchema = withJwtEnv(baseEnvSchema.extend({
  /** Which `PaymentProvider` charges orders; only the Stripe-test-mode stand-in exists today. */
  PAYMENT_PROVIDER: z.enum(["test"]).default("test"),
  /** How long a request may work on an idempotency key before another may take it over. */
  CHECKOUT_KEY_LEASE_SECONDS: int(1, 3600, 60),
  /** A pending order whose key has been idle this long is resolved by the sweep. */
  CHECKOUT_ABANDON_AFTER_SECONDS: int(1, 86_400, 900),
  /** Finished idempotency keys are kept this long, then pruned by the sweep (API.md: ≥ 24 h). */
  CHECKOUT_KEY_RETENTION_HOURS: int(24, 24 * 90, 24),
  /** A charge that has not answered by then is treated as unknown (retry with the same key). */
  PAYMENT_TIMEOUT_MS: int(100, 120_000, 15_000),
})).refine((e) => e.PAYMENT_TIMEOUT_MS < e.CHECKOUT_ABANDON_AFTER_SECONDS * 1000, {
  // The sweep may only decide "never charged" once no charge can still be in flight.
  path: ["CHECKOUT_ABANDON_AFTER_SECONDS"],
  message: "Must be longer than PAYMENT_TIMEOUT_MS",
});

export type CheckoutEnv = z.infer<typeof checkoutEnvSchema>;

/** The parsed checkout env of this request's bindings. */
export const checkoutEnv = (env: unknown): CheckoutEnv =>
  parseEnv(checkoutEnvSchema, (env ?? {}) as object);
