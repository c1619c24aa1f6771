import assert from "node:assert/strict";
import { withCatalog } from "./test_helpers.ts";

Deno.test("GET /search/products/:id answers the product with in_stock, 404 otherwise", () =>
  withCatalog(async ({ P, request }) => {
    const res = await request(`/search/products/${P}-s1`);
    assert.equal(res.status, 200);
    const product = await res.json();
    assert.equal(product.in_stock, true);
    assert.equal(product.currency, "USD");
    assert.match(product.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const missing = await request(`/search/products/${P}-nope`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).code, "not_found");
  }));
