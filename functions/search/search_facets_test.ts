import assert from "node:assert/strict";
import { authHeaders, withCatalog, withOwner } from "./test_helpers.ts";

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

Deno.test("GET /search/products: in_stock follows every stock write, in either order", () =>
  withCatalog(async ({ P, cat, request, search, ids }) => {
    // (Stock writes do not change the catalog version, so each step asks a query of its own.)
    let step = 0;
    const inStock = async () =>
      ids(await search(`${cat}&in_stock=true&sort=price_asc&limit=${50 - step++}`));
    const stock = (sql: string, ...params: unknown[]) => withOwner((db) => db.query(sql, params));
    assert.deepEqual(await inStock(), [`${P}-s1`]);
    await stock("UPDATE checkout.inventory SET on_hand = 3 WHERE product_id = $1", `${P}-s3`);
    assert.deepEqual(await inStock(), [`${P}-s3`, `${P}-s1`], "restocked");
    await stock("UPDATE checkout.inventory SET reserved = 5 WHERE product_id = $1", `${P}-s1`);
    assert.deepEqual(await inStock(), [`${P}-s3`], "all of it reserved");
    await stock("DELETE FROM checkout.inventory WHERE product_id = $1", `${P}-s3`);
    assert.deepEqual(await inStock(), [], "no stock row");
    // A stock row first, then its product (through the API).
    await stock("INSERT INTO checkout.inventory (product_id, on_hand) VALUES ($1, 2)", `${P}-late`);
    const res = await request("/search/products/bulk", {
      method: "POST",
      headers: await authHeaders("admin"),
      body: JSON.stringify({
        products: [{
          id: `${P}-late`,
          name: "Late",
          categories: [cat.split("=")[1]].map(
            decodeURIComponent,
          ),
          price_cents: 1,
        }],
      }),
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.deepEqual(await inStock(), [`${P}-late`]);
    const r = await search(`${cat}&in_stock=false&limit=1`);
    assert.equal(r.total, 38, "the other 38 products");
  }));
