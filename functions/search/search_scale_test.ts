import assert from "node:assert/strict";
import { cleanup, type Result, runToken, searchTestSetup, withOwner } from "./test_helpers.ts";

// Above 10,000 matches (catalog.search's scale path): totals become a lower bound, facets and
// relevance use a sample, and every other sort pages from its index over every match.

const N = 10_050;

Deno.test("GET /search/products above 10,000 matches: bounded totals, true sort order, cursor walks", async () => {
  const R = runToken();
  const P = `sc-${R}`;
  const word = `scale${R}`;
  const { request } = searchTestSetup();
  const search = async (query: string): Promise<Result> => {
    const res = await request(`/search/products?${query}`);
    assert.equal(res.status, 200, await res.clone().text());
    return await res.json();
  };
  await withOwner((db) =>
    db.query(
      `INSERT INTO catalog.products (id, name, brand, categories, price_cents, popularity)
       SELECT $1 || '-' || lpad(i::text, 5, '0'), 'Item scale' || $2 || ' ' || i,
         CASE WHEN i % 335 = 0 THEN 'Rare' || $2 ELSE 'Common' || $2 END, ARRAY['Cat' || $2],
         (i * 7919) % 100000 + 100, i % 1000
       FROM generate_series(1, $3::int) i`,
      [P, R, N],
    )
  );
  try {
    const all = await search(`q=${word}&limit=5`);
    assert.equal(all.total_exact, false);
    assert.ok(all.total > 10_000 && all.total <= N, String(all.total));
    assert.equal(all.hits.length, 5);

    // A filter that leaves fewer than 10,000: exact again, counted through the brand.
    const rare = await search(`q=${word}&brand=Rare${R}&limit=100`);
    assert.equal(rare.total, Math.floor(N / 335));
    assert.equal(rare.total_exact, true);
    assert.equal(rare.hits.length, Math.floor(N / 335));

    // A word with fewer than 10,000 matches in a catalog above 10,000: counted, then read by address.
    const few = await search(`q=rare${R}&limit=100`);
    assert.equal(few.total, Math.floor(N / 335));
    assert.equal(few.total_exact, true);
    assert.deepEqual(few.hits.map((h) => h.id).sort(), rare.hits.map((h) => h.id).sort());

    // price_asc is the true order over every match, not over a sample.
    const cheapest = await withOwner(async (db) =>
      (await db.query(
        `SELECT id FROM catalog.products WHERE id LIKE $1 ORDER BY price_cents, id COLLATE "C" LIMIT 5`,
        [`${P}-%`],
      )).rows.map((r) => r.id as string)
    );
    assert.deepEqual(
      (await search(`q=${word}&sort=price_asc&limit=5`)).hits.map((h) => h.id),
      cheapest,
    );

    // Words above 10,000 whose filters leave fewer, in a column's order: every filtered match,
    // sorted, and a cursor walk over all of them.
    const rareByPrice = await withOwner(async (db) =>
      (await db.query(
        `SELECT id FROM catalog.products WHERE id LIKE $1 AND brand = $2
         ORDER BY price_cents DESC, id COLLATE "C"`,
        [`${P}-%`, `Rare${R}`],
      )).rows.map((r) => r.id as string)
    );
    const walked: string[] = [];
    for (let cursor: string | null = null, page = 0; page === 0 || cursor; page++) {
      const r: Result = await search(
        `q=${word}&brand=Rare${R}&sort=price_desc&limit=7${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
        }`,
      );
      assert.equal(r.total, rareByPrice.length);
      walked.push(...r.hits.map((h) => h.id));
      cursor = r.next_cursor;
    }
    assert.deepEqual(walked, rareByPrice);

    // A browse of the category (no words) above 10,000: its pages walk in order without repeats.
    for (const sort of ["price_desc", "newest", "popularity"]) {
      const seen = new Set<string>();
      let cursor: string | null = null;
      let prev: Result["hits"] = [];
      for (let page = 0; page < 3; page++) {
        const r: Result = await search(
          `category=Cat${R}&sort=${sort}&limit=50${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""
          }`,
        );
        assert.equal(r.hits.length, 50, sort);
        for (const h of r.hits) {
          assert.ok(!seen.has(h.id), `${sort}: ${h.id} twice`);
          seen.add(h.id);
        }
        const keys = [...prev, ...r.hits].map((h) =>
          sort === "price_desc" ? -h.price_cents : sort === "popularity" ? -(h.popularity ?? 0) : 0
        );
        assert.deepEqual(keys, [...keys].sort((a, b) => a - b), sort);
        prev = r.hits;
        cursor = r.next_cursor;
        assert.ok(cursor, sort);
      }
    }
  } finally {
    await cleanup(P);
  }
});
