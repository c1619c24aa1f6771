import { EXAMPLES } from "../../../shared/openapi_examples.ts";
import { z } from "@hono/zod-openapi";

/** docs/api.md inventory shape. */
export const inventorySchema = z.object({
  product_id: z.string(),
  on_hand: z.int().min(0),
  reserved: z.int().min(0).openapi({ description: "Held by pending orders" }),
  available: z.int().min(0).openapi({ description: "on_hand - reserved" }),
}).openapi("Inventory", { example: EXAMPLES.inventory });

export const onHandBody = z.object({
  on_hand: z.int().min(0).max(2_000_000_000),
});
