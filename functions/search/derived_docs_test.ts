import assert from "node:assert/strict";
import { authHeaders, cleanup, runToken, searchTestSetup, withOwner } from "./test_helpers.ts";

const R = runToken();
const P = `dd-${R}`;
const { request, settle } = searchTestSetup();

// Texts that exercise the parser: accents, hyphenated and dotted words,
// repeated words, an empty description, and one word repeated past the 256
// positions a lexeme keeps, in the categories and in the description.
const products = [
  {
    id: `${P}-1`,
    name: `Café Crème USB-C Hub ${R} 4.5-inch`,
    description: `The the THE café ${R} connects e-mail@example.com via USB-C.`,
    brand: "Brand Ü",
    categories: ["Hubs & Docks", "Café Gear"],
    price_cents: 1999,
  },
  { id: `${P}-2`, name: `Plain ${R}`, price_cents: 1 },
  {
    id: `${P}-3`,
    name: `Many ${R}`,
    description: `word ${R} `.repeat(300),
    brand: "word",
    categories: Array.from(
      { length: 40 },
      (_, i) => `word word word word word word word word ${i}`,
    ),
    price_cents: 5,
  },
];

// Rows of this run whose derived columns differ from a recomputation with
// the definitions of the former generated columns (0201, 0202).
const mismatches = () =>
  withOwner(async (db) => {
    const { rows: [row] } = await db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE
          search_doc IS DISTINCT FROM catalog.search_doc(name, brand, categories, description)
          OR name_words IS DISTINCT FROM length(to_tsvector('catalog.folded'::regconfig, name))
          OR description_words IS DISTINCT FROM
            length(to_tsvector('catalog.folded'::regconfig, description)))::int AS wrong
        FROM catalog.products WHERE id LIKE $1`,
      [`${P}-%`],
    );
    return row as { n: number; wrong: number };
  });

const bulk = async (body: unknown[]) => {
  const res = await request("/search/products/bulk", {
    method: "POST",
    headers: await authHeaders("admin"),
    body: JSON.stringify({ products: body }),
  });
  assert.equal(res.status, 200);
  await res.body?.cancel();
};

Deno.test("search_doc, name_words and description_words follow every write", async (t) => {
  try {
    await t.step("bulk inserts", async () => {
      await bulk(products);
      assert.deepEqual(await mismatches(), { n: 3, wrong: 0 });
    });
    await t.step("an unchanged re-import and a PATCH of the price keep them", async () => {
      await bulk(products);
      const res = await request(`/search/products/${P}-1`, {
        method: "PATCH",
        headers: await authHeaders("admin"),
        body: JSON.stringify({ price_cents: 2999 }),
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      assert.deepEqual(await mismatches(), { n: 3, wrong: 0 });
    });
    await t.step("a changed name, brand, category or description recomputes them", async () => {
      await bulk([
        { ...products[0], name: `Renamed ${R} hub`, categories: ["Other"] },
        { ...products[1], description: `Now described ${R}`, brand: "Acme" },
      ]);
      assert.deepEqual(await mismatches(), { n: 3, wrong: 0 });
    });
    await t.step("values set by hand are replaced by the derived ones", async () => {
      await withOwner((db) =>
        db.query(
          "UPDATE catalog.products SET search_doc = NULL, name_words = 99 WHERE id LIKE $1",
          [`${P}-%`],
        )
      );
      assert.deepEqual(await mismatches(), { n: 3, wrong: 0 });
    });
  } finally {
    await cleanup(P);
    await settle();
  }
});
