/**
 * The OpenAPI examples (shared/openapi_examples.ts) are valid for the very zod
 * schemas that validate requests and shape responses, so a client generated
 * from the documents can trust them; and every operation of the checked-in
 * documents carries what client generators and Redocly need.
 */
import assert from "node:assert/strict";
import type { z } from "zod";
import { TokenPair, User } from "../functions/auth/accounts_schemas.ts";
import { productCreateSchema, productSchema } from "../functions/search/product_schemas.ts";
import { cartSchema } from "../functions/checkout/cart/cart_schemas.ts";
import { orderSchema, placeOrderBody } from "../functions/checkout/orders/orders_schemas.ts";
import { inventorySchema } from "../functions/checkout/inventory/inventory_schemas.ts";
import { problemSchema } from "../shared/openapi.ts";
import { EXAMPLES } from "../shared/openapi_examples.ts";

const pairs: [string, z.ZodType, unknown][] = [
  ["User", User, EXAMPLES.user],
  ["TokenPair", TokenPair, EXAMPLES.tokenPair],
  ["ProductInput", productCreateSchema, EXAMPLES.productInput],
  ["Product", productSchema, EXAMPLES.product],
  ["Cart", cartSchema, EXAMPLES.cart],
  ["PlaceOrder", placeOrderBody, EXAMPLES.placeOrder],
  ["Order", orderSchema, EXAMPLES.order],
  ["Inventory", inventorySchema, EXAMPLES.inventory],
  ["Problem", problemSchema, EXAMPLES.problem],
];

Deno.test("each main schema's OpenAPI example passes that schema", () => {
  for (const [name, schema, example] of pairs) {
    const result = schema.safeParse(example);
    assert.ok(result.success, `${name}: ${JSON.stringify(result.error?.issues)}`);
  }
});

Deno.test("every documented operation has an operationId, a summary, tags and declared security", async () => {
  const ids = new Set<string>();
  for (const service of ["auth", "search", "checkout"]) {
    const doc = JSON.parse(
      await Deno.readTextFile(new URL(`../docs/openapi/${service}.json`, import.meta.url)),
    );
    assert.equal(doc.info.license.identifier, "MIT");
    assert.ok(doc.servers.length >= 2, `${service}: local and production servers`);
    type Operation = { operationId?: string; summary?: string; tags?: string[]; security?: [] };
    const paths = doc.paths as Record<string, Record<string, Operation>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${service} ${method.toUpperCase()} ${path}`;
        assert.ok(op.operationId && !ids.has(op.operationId), `${where}: unique operationId`);
        ids.add(op.operationId);
        assert.ok(op.summary, `${where}: summary`);
        assert.ok(op.tags?.length, `${where}: tags`);
        assert.ok(Array.isArray(op.security), `${where}: security declared ([] when public)`);
      }
    }
    const examples = Object.entries(doc.components.schemas as Record<string, { example?: unknown }>)
      .filter(([name]) => pairs.some(([n]) => n === name));
    assert.ok(examples.every(([, s]) => s.example), `${service}: examples on the main schemas`);
  }
});
