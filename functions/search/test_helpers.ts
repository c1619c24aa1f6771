/**
 * What the search tests share: an env for the app, admin tokens and a
 * superuser connection for setup/cleanup (inventory belongs to checkout, so
 * tests write it directly). Round trips are counted with tests/round_trips.ts.
 */
import assert from "node:assert/strict";
// @ts-types="@types/pg"
import pg from "pg";
import { serviceEnv, testDatabaseUrl, testExecutionContext } from "../../tests/config.ts";
import { authTestEnv, bearer, issueTestToken } from "../../tests/auth_helpers.ts";
import type { Role } from "../../shared/jwt.ts";
import { createSearchApp } from "./app.ts";

/** A random lowercase token: ids, categories and words unique to one test run. */
export const runToken = (n = 6) =>
  Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String.fromCharCode(97 + (b % 26)))
    .join("");

/** The search app and an env object for it (reuse both across requests). */
export function searchTestSetup(extra: Record<string, string> = {}) {
  const env = serviceEnv("search", {
    ...authTestEnv(),
    SEARCH_CURSOR_SECRET: `test-secret-${crypto.randomUUID()}`,
    ...extra,
  });
  const app = createSearchApp();
  const { ctx, settle } = testExecutionContext();
  const request = async (path: string, init: RequestInit = {}) =>
    await app.request(path, init, env, ctx);
  return { app, env, request, settle };
}

/** Headers with an access token for `role`. */
export async function authHeaders(
  role: Role = "admin",
): Promise<Record<string, string>> {
  const token = await issueTestToken({ sub: crypto.randomUUID(), role });
  return { ...bearer(token), "Content-Type": "application/json" };
}

/** Runs `fn` with a superuser client on the tests' database. */
export async function withOwner<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Deletes this run's products and inventory rows (ids start with `prefix`). */
export function cleanup(prefix: string): Promise<void> {
  return withOwner(async (db) => {
    await db.query("DELETE FROM checkout.inventory WHERE product_id LIKE $1", [`${prefix}%`]);
    await db.query("DELETE FROM catalog.products WHERE id LIKE $1", [`${prefix}%`]);
  });
}

export type Hit = {
  id: string;
  name: string;
  price_cents: number;
  popularity?: number;
  highlight?: { name?: string; description?: string };
};
export type Result = {
  hits: Hit[];
  total: number;
  total_exact: boolean;
  corrected_query?: string;
  next_cursor: string | null;
  facets: {
    category: { value: string; count: number }[];
    brand: { value: string; count: number }[];
    price: { min: number; max: number };
  };
};

/**
 * A small catalog under a fresh run token, for the search tests: phones,
 * headphones, accented kitchen goods, a name-vs-description pair and 30
 * widgets with tied prices. Inventory: s1 has 5 on hand, s3 has 0, the rest
 * no row. Everything carries the token, so assertions scoped to its
 * category are unaffected by other rows; the rows are deleted afterwards.
 */
export async function withCatalog(fn: (c: Catalog) => Promise<void>): Promise<void> {
  const R = runToken();
  const P = `st-${R}`;
  const CAT = `Test ${R}`;
  const { request } = searchTestSetup();
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

  const headers = await authHeaders("admin");
  try {
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
    await fn({ R, P, CAT, cat, fixtures, request, search, ids });
  } finally {
    await cleanup(P);
  }
}

/** What `withCatalog` hands a test. */
export interface Catalog {
  /** The run token, its id prefix and its category. */
  R: string;
  P: string;
  CAT: string;
  /** `category=<CAT>`, to scope a query to this catalog. */
  cat: string;
  fixtures: { id: string }[];
  request: (path: string, init?: RequestInit) => Promise<Response>;
  /** GET /search/products?<query>, asserting 200. */
  search: (query: string) => Promise<Result>;
  ids: (r: Result) => string[];
}
