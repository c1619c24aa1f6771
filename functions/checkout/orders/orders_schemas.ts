import { EXAMPLES } from "../../../shared/openapi_examples.ts";
import { z } from "@hono/zod-openapi";
import { validationError } from "../../../shared/errors.ts";
import { text } from "../../../shared/text.ts";
import { TEST_PAYMENT_METHODS } from "../payments/test_provider.ts";

const line = (max: number) => text().trim().min(1).max(max);

export const shippingAddressSchema = z.object({
  name: line(200),
  line1: line(200),
  line2: text().trim().max(200).optional(),
  city: line(100),
  postal_code: line(20),
  country: text().regex(/^[A-Z]{2}$/, 'Must be an ISO 3166-1 alpha-2 code such as "US"')
    .openapi({ example: "US" }),
}).openapi("ShippingAddress");

const TEST_IDS = Object.keys(TEST_PAYMENT_METHODS);

/**
 * A PaymentMethod id. docs/api.md's test-mode ids with either provider; with
 * PAYMENT_PROVIDER=stripe also any `pm_…` id (one the storefront created with
 * Stripe.js), which Stripe then accepts or declines. The test provider's
 * narrower rule is `checkPaymentMethod`, as it depends on the env.
 */
export const paymentMethodSchema = text().regex(
  /^pm_[A-Za-z0-9_]{1,250}$/,
  "Must be a PaymentMethod id such as pm_card_visa",
).openapi({
  example: "pm_card_visa",
  description: `Test mode: one of ${TEST_IDS.join(", ")}. With Stripe: any PaymentMethod id.`,
});

/** 400 `validation_failed` unless the configured provider can charge this payment method. */
export function checkPaymentMethod(provider: "test" | "stripe", method: string): void {
  if (provider === "test" && !TEST_IDS.includes(method)) {
    throw validationError([{
      path: "payment_method",
      message: `Must be one of ${TEST_IDS.join(", ")}`,
    }]);
  }
}

export const placeOrderBody = z.object({
  payment_method: paymentMethodSchema,
  shipping_address: shippingAddressSchema,
}).openapi("PlaceOrder", { example: EXAMPLES.placeOrder });

export type PlaceOrderBody = z.infer<typeof placeOrderBody>;

export const orderSchema = z.object({
  id: z.uuid(),
  status: z.enum(["pending", "paid", "payment_failed", "canceled"]),
  items: z.array(z.object({
    product_id: z.string(),
    name: z.string(),
    unit_price_cents: z.int(),
    quantity: z.int(),
    line_total_cents: z.int(),
  })),
  subtotal_cents: z.int(),
  total_cents: z.int(),
  currency: z.literal("USD"),
  shipping_address: shippingAddressSchema,
  payment: z.object({
    method: z.string(),
    status: z.enum(["pending", "succeeded", "failed", "canceled", "refunded"]),
    decline_code: z.string().optional(),
  }),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("Order", { example: EXAMPLES.order });

export const orderIdParam = z.object({
  id: text().openapi({ param: { name: "id", in: "path" }, format: "uuid" }),
});

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: text().max(200).optional(),
  scope: z.enum(["own", "all"]).default("own").openapi({
    description: "`all`: every customer's orders (admins only; 403 otherwise)",
  }),
});

/**
 * The `Idempotency-Key` header, declared as a plain OpenAPI parameter so the
 * document spells it as the contract does (a zod header schema would have to
 * use Hono's lower-cased key as the name). The route checks it by hand to
 * answer `idempotency_key_required` rather than a generic validation error.
 */
export const idempotencyKeyParameter = {
  name: "Idempotency-Key",
  in: "header" as const,
  required: true,
  description: "1-255 characters; scoped to the user; replays return the first response",
  schema: { type: "string" as const, minLength: 1, maxLength: 255 },
  example: "8e0f1c2a-5b7d-4c3e-9f10-2a3b4c5d6e7f",
};
