import assert from "node:assert/strict";
import { authHeaders, cleanup, runToken, searchTestSetup, withOwner } from "./test_helpers.ts";

// Everything this file writes carries the run's token, so assertions are
// scoped to it and other services' rows in the shared test database do not
// matter.
const R = runToken();
const P = `st-${R}`;
const CAT = `Test ${R}`;
const { request } = searchTestSetup();

type Hit = {
  id: string;
  name: string;
  price_cents: number;
  highlight?: { name?: string; description?: string };
};
type Result = {
  hits: Hit[];
  total: number;
  next_cursor: string | null;
  facets: {
    category: { value: string; count: number }[];
    brand: { value: string; count: number }[];
    price: { min: number; max: number };
  };
};

const fixtures = [
  {
    id: `${P}-s1`,
    name: "Samsung Galaxy S9 Phone",
    brand: "Samsung",
    categories: [CAT, "Phones"],
    price_cents: 79900,
    popularity: 50,
  },
  {
    id: `${P}-s2`,
    name: "Samsung Galaxy Buds Headphones",
    brand: "Samsung",
    categories: [CAT, "Audio"],
    price_cents: 12900,
    popularity: 80,
  },
  {
    id: `${P}-s3`,
    name: "Sony WH-1000 Wireless Headphones",
    brand: "Sony",
    categories: [CAT, "Audio"],
    price_cents: 29900,
    popularity: 90,
  },
  {
    id: `${P}-s4`,
    name: "Café Crème Espresso Maker",
    brand: "Breville",
    categories: [CAT, "Kitchen"],
    price_cents: 19900,
    popularity: 10,
  },
  {
    id: `${P}-s5`,
    name: "Cafe Latte Mug",
    brand: "Acme",
    categories: [CAT, "Kitchen"],
    price_cents: 1500,
    popularity: 5,
  },
  {
    id: `${P}-s6`,
    name: "Plain Phone Case",
    brand: "Acme",
    description: "Fits the Samsung Galaxy S9",
    categories: [CAT, "Accessories"],
    price_cents: 999,
    popularity: 100,
  },
  // Name match vs description-only match on a word unique to this run; the
  // description match is far more popular and must still rank second.
  {
    id: `${P}-n1`,
    name: `Zephyr${R} Speaker`,
    brand: "Acme",
    categories: [CAT],
    price_cents: 5000,
    popularity: 1,
  },
  {
    id: `${P}-n2`,
    name: "Boring Speaker",
    description: `Works with every zephyr${R} dock`,
    brand: "Acme",
    categories: [CAT],
    price_cents: 5000,
    popularity: 100000,
  },
  // Pagination fodder: repeated prices so ties must be broken by id.
  ...Array.from({ length: 30 }, (_, i) => ({
    id: `${P}-w${String(i).padStart(2, "0")}`,
    name: `Widget ${R} number ${i}`,
    brand: "Widgetco",
    categories: [CAT, "Widgets"],
    price_cents: 100 * (i % 4),
    popularity: i % 3,
  })),
];

async function search(query: string): Promise<Result> {
  const res = await request(`/search/products?${query}`);
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json();
}

const ids = (r: Result) => r.hits.map((h) => h.id);
const cat = `category=${encodeURIComponent(CAT)}`;

Deno.test("GET /search/products", async (t) => {
  const headers = await authHeaders("admin");
  const res = await request("/search/products/bulk", {
    method: "POST",
    headers,
    body: JSON.stringify({ products: fixtures }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).errors, []);
  await withOwner((db) =>
    db.query("INSERT INTO checkout.inventory (product_id, on_hand) VALUES ($1, 5), ($2, 0)", [
      `${P}-s1`,
      `${P}-s3`,
    ])
  );

  try {
    await t.step("a misspelt brand (samsnug) finds Samsung products", async () => {
      const r = await search(`q=samsnug&${cat}`);
      assert.deepEqual(ids(r).slice(0, 2).sort(), [`${P}-s1`, `${P}-s2`]);
      assert.ok(ids(r).includes(`${P}-s6`), "the description match is found too");
      assert.equal(ids(r).at(-1), `${P}-s6`, "name matches rank above a description match");
    });

    await t.step("two typos are allowed from 9 letters, none under 5", async () => {
      assert.ok(ids(await search(`q=headpohnse&${cat}`)).includes(`${P}-s3`));
      assert.equal((await search(`q=sonx&${cat}`)).total, 0);
    });

    await t.step("a prefix of the last word (headph) finds headphones", async () => {
      const r = await search(`q=headph&${cat}`);
      assert.deepEqual(ids(r).sort(), [`${P}-s2`, `${P}-s3`]);
      assert.equal(r.hits[0].id, `${P}-s2`, "the shorter name ranks first (length normalisation)");
      const widgets = await search(`q=widget&${cat}&limit=10`);
      assert.deepEqual(
        widgets.hits.map((h) => h.id.slice(-3)),
        ["w02", "w05", "w08", "w11", "w14", "w17", "w20", "w23", "w26", "w29"],
        "equal scores fall to popularity, then id",
      );
    });

    await t.step("a name match ranks above a more popular description-only match", async () => {
      const r = await search(`q=zephyr${R}`);
      assert.deepEqual(ids(r), [`${P}-n1`, `${P}-n2`]);
      assert.equal(r.hits[0].highlight?.name, `<em>Zephyr${R}</em> Speaker`);
      assert.match(r.hits[1].highlight?.description ?? "", new RegExp(`<em>zephyr${R}</em>`));
    });

    await t.step(
      "accents fold both ways (café ↔ cafe) and highlights keep the original text",
      async () => {
        for (const q of ["cafe", "caf%C3%A9", "CAFÉ"]) {
          const r = await search(`q=${q}&${cat}`);
          assert.deepEqual(ids(r).sort(), [`${P}-s4`, `${P}-s5`], q);
        }
        const r = await search(`q=cafe%20creme&${cat}`);
        assert.equal(r.hits[0].highlight?.name, "<em>Café</em> <em>Crème</em> Espresso Maker");
      },
    );

    await t.step("facet counts equal the number of hits for each value", async () => {
      const r = await search(`${cat}&limit=1`);
      assert.equal(r.total, fixtures.length);
      for (const { value, count } of r.facets.brand) {
        const filtered = await search(`${cat}&brand=${encodeURIComponent(value)}&limit=1`);
        assert.equal(filtered.total, count, value);
      }
      const audio = r.facets.category.find((f) => f.value === "Audio");
      assert.equal(audio?.count, 2);
      assert.deepEqual(r.facets.price, { min: 0, max: 79900 });
    });

    await t.step(
      "faceting is disjunctive: a facet ignores its own filter, not the others",
      async () => {
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
      },
    );

    await t.step("filters combine", async () => {
      assert.deepEqual(ids(await search(`${cat}&brand=Acme&max_price=1000`)), [`${P}-s6`]);
      assert.deepEqual(ids(await search(`${cat}&in_stock=true`)), [`${P}-s1`]);
      const r = await search(`q=headphones&${cat}&in_stock=false&min_price=20000`);
      assert.deepEqual(ids(r), [`${P}-s3`], "available 0 is out of stock");
      const r2 = await search(`${cat}&category=Kitchen&sort=price_asc`);
      assert.equal(r2.total, fixtures.length, "categories are OR-ed within the facet");
    });

    await t.step("sorts order the hits", async () => {
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
    });

    await t.step("a cursor walk returns every hit once and in order", async () => {
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
    });

    await t.step("a forged, garbled or foreign cursor is 400 invalid_cursor", async () => {
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
    });

    await t.step("bad parameters give validation_failed naming the parameter", async () => {
      const cases: [string, string][] = [
        ["limit=0", "limit"],
        ["limit=101", "limit"],
        ["min_price=-1", "min_price"],
        ["max_price=abc", "max_price"],
        ["min_price=500&max_price=100", "max_price"],
        ["sort=cheapest", "sort"],
        ["in_stock=maybe", "in_stock"],
        [`q=${"x".repeat(201)}`, "q"],
      ];
      for (const [query, path] of cases) {
        const res = await request(`/search/products?${query}`);
        assert.equal(res.status, 400, query);
        const body = await res.json();
        assert.equal(body.code, "validation_failed", query);
        assert.deepEqual(body.errors.map((e: { path: string }) => e.path), [path], query);
      }
    });

    await t.step("GET /search/suggest completes brands, categories and names", async () => {
      const res = await request(
        `/search/suggest?q=${encodeURIComponent(`zephyr${R.slice(0, 3)}`)}`,
      );
      assert.equal(res.status, 200);
      const { suggestions } = await res.json();
      assert.deepEqual(suggestions, [{ text: `Zephyr${R} Speaker`, kind: "product" }]);
      const cats =
        await (await request(`/search/suggest?q=${encodeURIComponent(`test ${R}`)}&limit=3`))
          .json();
      assert.deepEqual(cats.suggestions[0], { text: CAT, kind: "category" });
      const brands = await (await request(`/search/suggest?q=widgetc`)).json();
      assert.ok(
        brands.suggestions.some((s: { text: string; kind: string }) =>
          s.text === "Widgetco" && s.kind === "brand"
        ),
      );
      const typo = await (await request(`/search/suggest?q=samsnug`)).json();
      assert.ok(
        typo.suggestions.some((s: { text: string; kind: string }) =>
          s.text === "Samsung" && s.kind === "brand"
        ),
        "suggestions are typo tolerant",
      );
      const bad = await request("/search/suggest?q=");
      assert.equal((await bad.json()).errors[0].path, "q");
    });

    await t.step(
      "GET /search/products/:id answers the product with in_stock, 404 otherwise",
      async () => {
        const res = await request(`/search/products/${P}-s1`);
        assert.equal(res.status, 200);
        const product = await res.json();
        assert.equal(product.in_stock, true);
        assert.equal(product.currency, "USD");
        assert.match(product.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        const missing = await request(`/search/products/${P}-nope`);
        assert.equal(missing.status, 404);
        assert.equal((await missing.json()).code, "not_found");
      },
    );
  } finally {
    await cleanup(P);
  }
});
