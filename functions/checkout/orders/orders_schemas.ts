import { z } from "@hono/zod-openapi";
import { TEST_PAYMENT_METHODS } from "../payments/test_provider.ts";

const text = (max: number) => z.string().trim().min(1).max(max);

export const shippingAddressSchema = z.object({
  name: text(200),
  line1: text(200),
  line2: z.string().trim().max(200).optional(),
  city: text(100),
  postal_code: text(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'Must be an ISO 3166-1 alpha-2 code such as "US"')
    .openapi({ example: "US" }),
}).openapi("ShippingAddress");

/** The payment method ids API.md accepts (Stripe's test-mode ids); anything else is a 400. */
export const paymentMethodSchema = z.enum(
  Object.keys(TEST_PAYMENT_METHODS) as [
    keyof typeof TEST_PAYMENT_METHODS,
    ...(keyof typeof TEST_PAYMENT_METHODS)[],
  ],
);

export const placeOrderBody = z.object({
  payment_method: paymentMethodSchema,
  shipping_address: shippingAddressSchema,
}).openapi("PlaceOrder");

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
}).openapi("Order");

export const orderIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, format: "uuid" }),
});

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  scope: z.enum(["own", "all"]).default("own").openapi({
    description: "`all`: every customer's orders (admins only; 403 otherwise)",
  }),
});

export const idempotencyHeader = z.object({
  "idempotency-key": z.string().optional().openapi({
    param: { name: "idempotency-key", in: "header", required: true },
    description: "1-255 characters; scoped to the user; replays return the first response",
  }),
});
