import { EXAMPLES } from "../../../shared/openapi_examples.ts";
import { z } from "@hono/zod-openapi";
import { skuSchema } from "../../../shared/ids.ts";

/** docs/api.md `cart`. */
export const cartSchema = z.object({
  items: z.array(z.object({
    product_id: z.string(),
    name: z.string(),
    unit_price_cents: z.int(),
    quantity: z.int().min(1).max(99),
    line_total_cents: z.int(),
    available: z.int().openapi({ description: "Units that can be ordered right now" }),
  })),
  subtotal_cents: z.int(),
  currency: z.literal("USD"),
}).openapi("Cart", { example: EXAMPLES.cart });

/** A catalog product id (a SKU, as search defines it). */
export const productIdParam = z.object({
  product_id: skuSchema.openapi({ param: { name: "product_id", in: "path" }, example: "sku-123" }),
});

export const quantityBody = z.object({
  quantity: z.int().min(0).max(99).openapi({ description: "0 removes the line" }),
});
