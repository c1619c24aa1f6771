/**
 * Search benchmark: seeds a generated catalog (100,000 products by default)
 * into its own database, reports seeding time and index sizes, then the
 * server time (in-process, through the Neon and Upstash bridges) of a fixed
 * set of realistic queries uncached and cached, and the throughput of cached
 * search over HTTP beside a bare Hono hello-world served the same way.
 *
 *   deno run -A bench/search.ts   # BENCH_SEARCH_PRODUCTS, BENCH_ITERATIONS, BENCH_CONCURRENCY
 */
// @ts-types="@types/pg"
import pg from "pg";
import { createSearchApp } from "../functions/search/app.ts";
import { seedCatalog } from "../db/catalog/seed.ts";
import { authTestEnv, bearer, issueTestToken } from "../tests/auth_helpers.ts";
import { helloWorld, hit, measure, ratio, serve, type Stats, table } from "./lib.ts";

/** 60 queries a shopper would type: words, pairs, typos, prefixes, filters, sorts. */
export const QUERIES: string[] = [
  ...[
    "headphones",
    "samsung",
    "laptop",
    "espresso",
    "drone",
    "smartwatch",
    "keyboard",
    "blender",
    "monitor",
    "webcam",
  ]
    .map((q) => `q=${q}`),
  ...[
    "wireless headphones",
    "gaming mouse",
    "phone case",
    "mirrorless camera",
    "bluetooth speaker",
    "air fryer",
    "stand mixer",
    "fitness tracker",
    "sony earbuds",
    "apple smartwatch",
  ].map((q) => `q=${encodeURIComponent(q)}`),
  ...[
    "headphnoes",
    "samsnug",
    "laptpo",
    "espreso",
    "smartwach",
    "keybaord",
    "blendr",
    "moniter",
    "camrea",
    "speakr",
  ]
    .map((q) => `q=${q}`),
  ...["headph", "sams", "lapt", "esp", "gami", "wirel", "sm", "blu", "mirr", "key"].map((q) =>
    `q=${q}`
  ),
  "q=headphones&brand=Sony",
  "q=laptop&max_price=80000",
  "q=camera&category=Cameras&sort=price_asc",
  "q=speaker&in_stock=true",
  "q=case&brand=Samsung&brand=Apple",
  "q=coffee&category=Kitchen&min_price=10000",
  "q=gaming&sort=popularity",
  "q=mouse&sort=price_desc",
  "q=watch&sort=newest",
  "q=pro%20max&limit=50",
  "category=Audio",
  "brand=Nikon",
  "sort=price_asc&max_price=2000",
  "category=Gaming&in_stock=false",
  "",
  "sort=newest",
  "min_price=100000&sort=price_desc",
  "category=Phones&brand=Google",
  "brand=Garmin&category=Wearables",
  "q=black&limit=100",
];

export interface SearchBenchOptions {
  /** Owner URL of an empty, migrated database to fill. */
  ownerUrl: string;
  /** Env for the search app: DATABASE_URL (search role), bridges. */
  env: Record<string, string>;
  products?: number;
  rounds?: number;
  iterations?: number;
  concurrency?: number;
}

export interface SearchBench {
  products: number;
  seed_ms: number;
  seed_per_s: number;
  table_mb: number;
  search_index_mb: number;
  all_indexes_mb: number;
  vocabulary_words: number;
  queries: number;
  uncached: { p50_ms: number; p99_ms: number };
  cached: { p50_ms: number; p99_ms: number };
  hello: Stats;
  cached_http: Stats;
  hello_vs_cached: number;
}

const mb = (bytes: string | number) => Math.round(Number(bytes) / 1024 / 1024 * 10) / 10;

function percentiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 100) / 100;
  return { p50_ms: at(0.5), p99_ms: at(0.99) };
}

/** Seeds, measures, and answers the figures. */
export async function benchSearch(opts: SearchBenchOptions): Promise<SearchBench> {
  const products = opts.products ?? 100_000;
  const rounds = opts.rounds ?? 3;
  const seeded = await seedCatalog({ databaseUrl: opts.ownerUrl, count: products, seed: 42 });
  const db = new pg.Client({ connectionString: opts.ownerUrl });
  await db.connect();
  // A third of the catalog in stock, so in_stock filters have work to do.
  await db.query(`INSERT INTO checkout.inventory (product_id, on_hand)
    SELECT id, (abs(hashtext(id)) % 3) * 5 FROM catalog.products ON CONFLICT DO NOTHING`);
  const { rows: [sizes] } = await db.query(`SELECT pg_table_size('catalog.products') AS table_bytes,
    pg_relation_size('catalog.products_search_doc_idx') AS search_bytes,
    pg_indexes_size('catalog.products') AS index_bytes,
    (SELECT count(*) FROM catalog.terms) AS words`);
  await db.end();

  const app = createSearchApp();
  const envFor = (prefix: string) => ({
    ...authTestEnv(),
    SEARCH_CURSOR_SECRET: "b".repeat(32),
    ...opts.env,
    REDIS_PREFIX: prefix,
  });
  const admin = bearer(await issueTestToken({ sub: "bench-admin", role: "admin" }));
  const timeQuery = async (env: Record<string, string>, q: string, expect: string) => {
    const t = performance.now();
    // An admin's request, so Server-Timing names the cache outcome (verified offline, cached).
    const res = await app.request(`/search/products?${q}`, { headers: admin }, env);
    await res.arrayBuffer();
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`Search "${q}" answered ${res.status}`);
    if (!res.headers.get("Server-Timing")?.includes(`cache;desc="${expect}"`)) {
      throw new Error(`Search "${q}" was not a cache ${expect}`);
    }
    return ms;
  };
  // Every key of this run lives under the given prefix (one sub-prefix per round).
  const base = opts.env.REDIS_PREFIX ?? `edgeshop-bench:search-${crypto.randomUUID().slice(0, 8)}:`;
  const uncached: number[] = [];
  const cached: number[] = [];
  // Warm Postgres' buffers once so "uncached" means "not in Redis", not "cold disk".
  for (const q of QUERIES) await timeQuery(envFor(`${base}warm:`), q, "miss");
  for (let r = 0; r < rounds; r++) {
    const env = envFor(`${base}r${r}:`);
    for (const q of QUERIES) uncached.push(await timeQuery(env, q, "miss"));
    await new Promise((resolve) => setTimeout(resolve, 300)); // background cache writes land
    for (let i = 0; i < 2; i++) {
      for (const q of QUERIES) cached.push(await timeQuery(env, q, "hit"));
    }
  }

  const env = envFor(`${base}r0:`);
  const server = serve((req) => app.fetch(req, env));
  const hello = helloWorld();
  try {
    const iterations = opts.iterations ?? 2000;
    const concurrency = opts.concurrency ?? 16;
    const helloStats = await measure(iterations, concurrency, () => hit(hello.url));
    const cachedHttp = await measure(
      iterations,
      concurrency,
      (i) => hit(`${server.url}/search/products?${QUERIES[i % QUERIES.length]}`),
    );
    return {
      products,
      seed_ms: seeded.ms,
      seed_per_s: Math.round(products / seeded.ms * 1000),
      table_mb: mb(sizes.table_bytes),
      search_index_mb: mb(sizes.search_bytes),
      all_indexes_mb: mb(sizes.index_bytes),
      vocabulary_words: Number(sizes.words),
      queries: QUERIES.length,
      uncached: percentiles(uncached),
      cached: percentiles(cached),
      hello: helloStats,
      cached_http: cachedHttp,
      hello_vs_cached: ratio(helloStats.ops_per_s, cachedHttp.ops_per_s),
    };
  } finally {
    await server.close();
    await hello.close();
  }
}

/** The figures as markdown tables. */
export function searchTable(r: SearchBench): string {
  return [
    table(["catalog", "value"], [
      ["products", r.products],
      ["seeding", `${(r.seed_ms / 1000).toFixed(1)} s (${r.seed_per_s}/s)`],
      ["table", `${r.table_mb} MB`],
      ["full-text GIN index", `${r.search_index_mb} MB`],
      ["all indexes", `${r.all_indexes_mb} MB`],
      ["vocabulary (typo) words", r.vocabulary_words],
    ]),
    "",
    table(["server time, " + r.queries + " queries", "p50 ms", "p99 ms"], [
      ["uncached (1 Redis lookup + 1 Postgres)", r.uncached.p50_ms, r.uncached.p99_ms],
      ["cached (1 Redis round trip)", r.cached.p50_ms, r.cached.p99_ms],
    ]),
    "",
    table(["HTTP", "req/s", "p50 ms", "p99 ms", "hello ÷ this"], [
      ["hello world (baseline)", r.hello.ops_per_s, r.hello.p50_ms, r.hello.p99_ms, 1],
      [
        "cached search",
        r.cached_http.ops_per_s,
        r.cached_http.p50_ms,
        r.cached_http.p99_ms,
        r.hello_vs_cached,
      ],
    ]),
  ].join("\n");
}

if (import.meta.main) {
  const { withBenchWorld } = await import("./setup.ts");
  const result = await withBenchWorld("search", (w) =>
    benchSearch({
      ownerUrl: w.ownerUrl,
      env: w.env("search"),
      products: Number(Deno.env.get("BENCH_SEARCH_PRODUCTS") ?? 100_000),
      iterations: Number(Deno.env.get("BENCH_ITERATIONS") ?? 2000),
      concurrency: Number(Deno.env.get("BENCH_CONCURRENCY") ?? 16),
    }));
  console.log(searchTable(result));
}
