import assert from "node:assert/strict";
import { withCatalog } from "./test_helpers.ts";

// Facet counts and filters of GET /search/products.

Deno.test("GET /search/products: facet counts equal the number of hits for each value", () =>
  withCatalog(async ({ cat, fixtures, search }) => {
    const r = await search(`${cat}&limit=1`);
    assert.equal(r.total, fixtures.length);
    assert.equal(r.total_exact, true, "exact up to 10,000 matches");
    for (const { value, count } of r.facets.brand) {
      const filtered = await search(`${cat}&brand=${encodeURIComponent(value)}&limit=1`);
      assert.equal(filtered.total, count, value);
    }
    const audio = r.facets.category.find((f) => f.value === "Audio");
    assert.equal(audio?.count, 2);
    assert.deepEqual(r.facets.price, { min: 0, max: 79900 });
  }));

Deno.test("GET /search/products: faceting is disjunctive: a facet ignores its own filter, not the others", () =>
  withCatalog(async ({ cat, search }) => {
    const r = await search(`${cat}&brand=Samsung&limit=1`);
    assert.equal(r.total, 2);
    assert.equal(
      r.facets.brand.find((f) => f.value === "Sony")?.count,
      1,
      "other brands keep their counts",
    );
    const audio = r.facets.category.find((f) => f.value === "Audio");
    assert.equal(audio?.count, 1, "category counts respect the brand filter");
    const both = await search(`${cat}&brand=Samsung&brand=Sony&category=Audio&limit=1`);
    assert.equal(both.total, 3, "brands are OR-ed, and so are categories");
  }));

Deno.test("GET /search/products: filters combine", () =>
  withCatalog(async ({ P, cat, fixtures, search, ids }) => {
    assert.deepEqual(ids(await search(`${cat}&brand=Acme&max_price=1000`)), [`${P}-s6`]);
    assert.deepEqual(ids(await search(`${cat}&in_stock=true`)), [`${P}-s1`]);
    const r = await search(`q=headphones&${cat}&in_stock=false&min_price=20000`);
    assert.deepEqual(ids(r), [`${P}-s3`], "available 0 is out of stock");
    const r2 = await search(`${cat}&category=Kitchen&sort=price_asc`);
    assert.equal(r2.total, fixtures.length, "categories are OR-ed within the facet");
  }));
