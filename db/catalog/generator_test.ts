import assert from "node:assert/strict";
import { productCreateSchema } from "../../functions/search/product_schemas.ts";
import { generateCatalog, generateProduct } from "./generator.ts";

Deno.test("the generator is deterministic and every product passes the API's validation", () => {
  const a = generateCatalog(7, 500);
  assert.deepEqual(a, generateCatalog(7, 500));
  assert.deepEqual(generateProduct(7, 321), a[321], "any slice is generated alone");
  assert.notDeepEqual(generateCatalog(8, 5), a.slice(0, 5));
  for (const p of a) assert.ok(productCreateSchema.safeParse(p).success, p.id);
  assert.equal(new Set(a.map((p) => p.id)).size, a.length);
});

Deno.test("generated popularity has a long tail and prices stay in range", () => {
  const pops = generateCatalog(1, 5000).map((p) => p.popularity).sort((x, y) => y - x);
  const top = pops.slice(0, 50).reduce((s, v) => s + v, 0);
  const total = pops.reduce((s, v) => s + v, 0);
  assert.ok(
    top / total > 0.3,
    `the top 1% holds ${Math.round((top / total) * 100)}% of popularity`,
  );
  assert.ok(pops[2500] < pops[0] / 100, "the median is far below the head");
});
