import assert from "node:assert/strict";
import { type Result, withCatalog } from "./test_helpers.ts";

// Sorting and keyset cursors of GET /search/products.

Deno.test("GET /search/products: sorts order the hits", () =>
  withCatalog(async ({ P, cat, search }) => {
    const asc = (await search(
      `${cat}&category=Kitchen&brand=Breville&brand=Acme&sort=price_asc&max_price=20000&min_price=1000`,
    )).hits;
    assert.deepEqual(
      asc.map((h) => h.price_cents),
      [...asc.map((h) => h.price_cents)].sort((a, b) => a - b),
    );
    const desc = (await search(`${cat}&sort=price_desc&limit=3`)).hits;
    assert.equal(desc[0].id, `${P}-s1`);
    const popular = (await search(`${cat}&limit=1`)).hits;
    assert.equal(popular[0].id, `${P}-n2`, "popularity is the default without q");
  }));

Deno.test("GET /search/products: a cursor walk returns every hit once and in order", () =>
  withCatalog(async ({ cat, search, ids }) => {
    for (const sort of ["price_asc", "price_desc", "popularity", "newest", "relevance"]) {
      const q = sort === "relevance" ? `q=widget&${cat}` : `${cat}&category=Widgets`;
      const all = await search(`${q}&sort=${sort}&limit=100`);
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Result = await search(
          `${q}&sort=${sort}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        assert.equal(page.total, all.total);
        walked.push(...ids(page));
        cursor = page.next_cursor;
      } while (cursor);
      assert.equal(walked.length, all.total, sort);
      assert.deepEqual(walked, ids(all), sort);
    }
  }));

Deno.test("GET /search/products: a forged, garbled or foreign cursor is 400 invalid_cursor", () =>
  withCatalog(async ({ cat, request, search }) => {
    const first = await search(`${cat}&sort=price_asc&limit=2`);
    const cursor = first.next_cursor!;
    const payload = btoa(JSON.stringify([0, 0, ""])).replace(/=+$/, "");
    for (
      const [label, query] of [
        ["forged", `${cat}&sort=price_asc&limit=2&cursor=${payload}.${cursor.split(".")[1]}`],
        ["garbled", `${cat}&sort=price_asc&limit=2&cursor=not-a-cursor`],
        ["another query", `${cat}&sort=price_desc&limit=2&cursor=${encodeURIComponent(cursor)}`],
      ]
    ) {
      const res = await request(`/search/products?${query}`);
      assert.equal(res.status, 400, label);
      assert.equal((await res.json()).code, "invalid_cursor", label);
    }
  }));
