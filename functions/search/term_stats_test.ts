import assert from "node:assert/strict";
import { authHeaders, cleanup, runToken, searchTestSetup, withOwner } from "./test_helpers.ts";

const R = runToken();
const P = `ts-${R}`;
const { request, settle } = searchTestSetup();

// Words unique to this run, shared by many products so that concurrent
// batches upsert the same terms.
const W = ["alpha", "bravo", "carbon", "delta"].map((w) => `${w}${R}`);

const product = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `${P}-${i}`,
  name: `${W[i % 4]} ${W[(i + 1) % 4]} Model${R}${i}`,
  description: i % 3 ? `Made of ${W[2]} with ${W[(i + 2) % 4]}` : "",
  brand: `Brand${R}${i % 5}`,
  categories: [`Cat ${R} ${i % 7}`],
  price_cents: 100 + i,
  ...extra,
});

const bulk = async (products: unknown[]) => {
  const res = await request("/search/products/bulk", {
    method: "POST",
    headers: await authHeaders("admin"),
    body: JSON.stringify({ products }),
  });
  assert.equal(res.status, 200);
  return await res.json() as { created: number; updated: number };
};

// The statistics against a recount from the products, in one statement (one
// snapshot, so concurrent tests' writes cannot make it flaky).
const drift = () =>
  withOwner(async (db) => {
    const { rows: [row] } = await db.query(
      `WITH recount AS (
        SELECT w AS term, count(*)::int AS df FROM catalog.products p,
          unnest(tsvector_to_array(p.search_doc)) AS w GROUP BY w)
      SELECT
        (SELECT count(*)::int FROM catalog.terms t FULL JOIN recount r USING (term)
          WHERE coalesce(t.df, 0) <> coalesce(r.df, 0)
            OR (t.term IS NOT NULL AND t.stem IS DISTINCT FROM catalog.stem(t.term))) AS terms,
        (SELECT to_jsonb(c) - 'one' FROM catalog.corpus c) AS corpus,
        (SELECT jsonb_build_object('products', count(*),
          'name_words', coalesce(sum(name_words), 0),
          'description_words', coalesce(sum(description_words), 0))
          FROM catalog.products) AS recounted,
        (SELECT df FROM catalog.terms WHERE term = $1) AS carbon,
        (SELECT count(*)::int FROM catalog.facet_brands f FULL JOIN (
          SELECT brand, count(*)::int AS n, min(price_cents) AS lo, max(price_cents) AS hi
          FROM catalog.products GROUP BY brand) r USING (brand)
          WHERE coalesce(f.n, 0) <> coalesce(r.n, 0)
            OR r.n > 0 AND (f.min_price, f.max_price) IS DISTINCT FROM (r.lo, r.hi)) AS brands,
        (SELECT count(*)::int FROM catalog.facet_categories f FULL JOIN (
          SELECT c AS category, count(*)::int AS n
          FROM catalog.products, unnest(categories) AS c GROUP BY c) r USING (category)
          WHERE coalesce(f.n, 0) <> coalesce(r.n, 0)) AS categories,
        (SELECT count(*)::int FROM catalog.facet_pairs f FULL JOIN (
          SELECT c AS category, brand, count(*)::int AS n, min(price_cents) AS lo,
            max(price_cents) AS hi
          FROM catalog.products, unnest(categories) AS c GROUP BY c, brand) r USING (category, brand)
          WHERE coalesce(f.n, 0) <> coalesce(r.n, 0)
            OR r.n > 0 AND (f.min_price, f.max_price) IS DISTINCT FROM (r.lo, r.hi)) AS pairs`,
      [W[2]],
    );
    return row as {
      terms: number;
      corpus: unknown;
      recounted: unknown;
      carbon: number | null;
      brands: number;
      categories: number;
      pairs: number;
    };
  });

const assertExact = async () => {
  const d = await drift();
  assert.equal(d.terms, 0, "terms whose df or stem differs from a recount");
  assert.deepEqual(d.corpus, d.recounted);
  assert.deepEqual(
    { brands: d.brands, categories: d.categories, pairs: d.pairs },
    { brands: 0, categories: 0, pairs: 0 },
    "facet counts or price ranges that differ from a recount",
  );
  return d;
};

Deno.test("term statistics and facet counts stay exact through bulk, concurrent and single writes", async (t) => {
  try {
    await t.step("bulk inserts", async () => {
      assert.equal((await bulk(Array.from({ length: 40 }, (_, i) => product(i)))).created, 40);
      await assertExact();
    });
    await t.step("concurrent bulk imports over the same words, without deadlock", async () => {
      const batches = [0, 1, 2, 3].map((b) =>
        Array.from({ length: 50 }, (_, k) => product(40 + b * 50 + k))
      );
      // Overlapping re-imports too: batch b also rewrites some products of the first step.
      const results = await Promise.all(
        batches.map((batch, b) =>
          bulk([...batch, product(b * 3, { name: `${W[3]} ${W[b]} renamed${R}` })])
        ),
      );
      assert.equal(results.reduce((n, r) => n + r.created, 0), 200);
      await assertExact();
    });
    await t.step("a removed lowest or highest price; browses answer as counting does", async () => {
      const headers = await authHeaders("admin");
      const write = async (i: number, method: string, body?: unknown) => {
        const res = await request(`/search/products/${P}-${i}`, {
          method,
          headers,
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        assert.ok(res.ok, `${method} ${i}: ${res.status}`);
        await res.body?.cancel();
      };
      // The lowest price of Brand…0 and of its pair with Cat … 0; a relabel; the highest of Brand…4.
      await write(0, "PATCH", { price_cents: 99_999 });
      await write(1, "PATCH", { brand: `Brand${R}0`, categories: [`Cat ${R} 0`, `Cat ${R} x`] });
      await write(239, "DELETE");
      await assertExact();
      // A browse with at most one category (and a price range) is answered from the facet
      // tables; catalog.search_matches is the path that counts the products.
      const c0 = `Cat ${R} 0`, b0 = `Brand${R}0`, b4 = `Brand${R}4`;
      const cases: [string[], string[], number | null, number | null, string][] = [
        [[c0], [], null, null, "relevance"],
        [[], [b0], null, null, "price_asc"],
        [[c0], [b0, b4], null, null, "price_desc"],
        [[c0], [], 150, 300, "price_asc"],
        [[], [b4], 100, 250, "price_desc"],
        [[c0], [b0], null, 200, "newest"],
      ];
      for (const [cats, brands, min, max, sort] of cases) {
        const params = new URLSearchParams({ sort, limit: "5" });
        for (const c of cats) params.append("category", c);
        for (const b of brands) params.append("brand", b);
        if (min !== null) params.set("min_price", String(min));
        if (max !== null) params.set("max_price", String(max));
        const res = await request(`/search/products?${params}`);
        assert.equal(res.status, 200);
        const api = await res.json() as {
          total: number;
          facets: { category: unknown[]; brand: unknown[]; price: unknown };
          hits: { id: string }[];
        };
        const counted = await withOwner(async (db) =>
          (await db.query(
            `SELECT catalog.search_matches('', $1, $2, $3, $4, NULL, $5, 5, NULL, NULL, NULL) AS r`,
            [cats, brands, min, max, sort],
          )).rows[0].r
        );
        const label = params.toString();
        assert.ok(api.total > 0, label);
        assert.deepEqual(
          { total: api.total, ...api.facets },
          {
            total: counted.total,
            category: counted.category,
            brand: counted.brand,
            price: counted.price,
          },
          label,
        );
        assert.deepEqual(
          api.hits.map((h) => h.id),
          counted.page.slice(0, 5).map((p: { id: string }) => p.id),
          label,
        );
      }
    });
    await t.step("an unchanged re-import, a partial change, single writes, deletes", async () => {
      const before = (await drift()).carbon;
      await bulk(Array.from({ length: 20 }, (_, i) => product(100 + i)));
      assert.equal((await drift()).carbon, before);
      await bulk(
        Array.from(
          { length: 20 },
          (_, i) => product(100 + i, i % 2 ? { description: `Made of wood ${R}` } : {}),
        ),
      );
      await assertExact();
      const headers = await authHeaders("admin");
      const patch = await request(`/search/products/${P}-5`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ name: `${W[2]} patched${R}`, description: "" }),
      });
      assert.equal(patch.status, 200);
      await patch.body?.cancel();
      const del = await request(`/search/products/${P}-7`, { method: "DELETE", headers });
      assert.equal(del.status, 204);
      await del.body?.cancel();
      await assertExact();
      await cleanup(P);
      const after = await assertExact();
      assert.equal(after.carbon, 0);
    });
  } finally {
    await cleanup(P);
    await settle();
  }
});
