import { z } from "zod";
import { baseEnvSchema, parseEnv } from "../../shared/env.ts";
import { withJwtEnv } from "../../shared/jwt.ts";

/** Stripe's API origin. */
export const STRIPE_API = "https://api.stripe.com";

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** Everything checkout reads from env: base, Bearer-token verification, and its own knobs. */
export const checkoutEnvSchema = withJwtEnv(baseEnvSchema.extend({
  /**
   * Which `PaymentProvider` charges orders: `stripe`, or `test` (Stripe test mode imitated in
   * Postgres; never real money, so only on the local stack). No default, so a deployment that
   * forgot it answers 503 `misconfigured` instead of quietly taking test payments; the local
   * stack and tests set it.
   */
  PAYMENT_PROVIDER: z.enum(["test", "stripe"]),
  /** Stripe secret (`sk_…`) or restricted (`rk_…`) key; required with PAYMENT_PROVIDER=stripe. */
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, "Must be a Stripe secret key")
    .optional(),
  /** The signing secret (`whsec_…`) of the webhook endpoint; required with PAYMENT_PROVIDER=stripe. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Where the Stripe API lives; tests point it at a local Stripe-compatible server. */
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).default(STRIPE_API),
  /** How long a request may work on an idempotency key before another may take it over. */
  CHECKOUT_KEY_LEASE_SECONDS: int(1, 3600, 60),
  /** A pending order whose key has been idle this long is resolved by the sweep. */
  CHECKOUT_ABANDON_AFTER_SECONDS: int(1, 86_400, 900),
  /** Finished idempotency keys are kept this long, then pruned by the sweep (docs/api.md: ≥ 24 h). */
  CHECKOUT_KEY_RETENTION_HOURS: int(24, 24 * 90, 24),
  /** A charge that has not answered by then is treated as unknown (retry with the same key). */
  PAYMENT_TIMEOUT_MS: int(100, 120_000, 15_000),
})).superRefine((e, ctx) => {
  const issue = (path: string, message: string) =>
    ctx.addIssue({ code: "custom", path: [path], message });
  // The sweep may only decide "never charged" once no charge can still be in flight.
  if (e.PAYMENT_TIMEOUT_MS >= e.CHECKOUT_ABANDON_AFTER_SECONDS * 1000) {
    issue("CHECKOUT_ABANDON_AFTER_SECONDS", "Must be longer than PAYMENT_TIMEOUT_MS");
  }
  // The test provider takes no money: it may run only on the local stack, whose Postgres is
  // reached through the local Neon bridge. A deployment (real Neon) must name a real provider.
  if (e.PAYMENT_PROVIDER === "test" && !e.NEON_HTTP_ENDPOINT) {
    issue("PAYMENT_PROVIDER", "test takes no real money; outside the local stack use stripe");
  }
  if (e.PAYMENT_PROVIDER !== "stripe") return;
  if (!e.STRIPE_SECRET_KEY) issue("STRIPE_SECRET_KEY", "Required when PAYMENT_PROVIDER=stripe");
  if (!e.STRIPE_WEBHOOK_SECRET) {
    issue("STRIPE_WEBHOOK_SECRET", "Required when PAYMENT_PROVIDER=stripe");
  }
  // Stripe's search (the sweep's "was it charged?") can lag up to a minute behind a charge.
  if (e.STRIPE_API_BASE === STRIPE_API && e.CHECKOUT_ABANDON_AFTER_SECONDS < 300) {
    issue("CHECKOUT_ABANDON_AFTER_SECONDS", "Must be at least 300 with Stripe (search lags)");
  }
});

export type CheckoutEnv = z.infer<typeof checkoutEnvSchema>;

/** The parsed checkout env of this request's bindings. */
export const checkoutEnv = (env: unknown): CheckoutEnv =>
  parseEnv(checkoutEnvSchema, (env ?? {}) as object);
