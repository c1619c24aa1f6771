/**
 * Search scale benchmark: seeds a catalog worded like Icecat's
 * (search_catalog.ts) into its own database in stages (10,000, 100,000 and,
 * with BENCH_SEARCH_1M=1, 1,000,000 products), and at each size reports the
 * import rate (two connections, 1000-product batches: a bulk API client with two
 * requests in flight) and index sizes, then the server time (in-process, through the
 * Neon and Upstash bridges) of a fixed mix of 100 queries uncached and
 * cached, beside a `SELECT 1` round trip over the same Neon path in the same
 * run, and the CPU of a cached hit inside the function (bench/search_hit.ts:
 * in-process, Upstash replies replayed) beside a bare Hono hello-world's
 * `app.request`; at the first size also the Postgres time per uncached query (plan +
 * execute, from EXPLAIN ANALYZE as the search role). At the last size:
 * throughput of cached search over HTTP beside a bare Hono hello-world.
 *
 *   deno run -A bench/search.ts   # BENCH_SEARCH_SIZES=10000,100000  BENCH_SEARCH_1M=1
 *                                 # BENCH_SEARCH_ROUNDS=2  BENCH_SEARCH_WORLD=search
 */
// @ts-types="@types/pg"
import pg from "pg";
import { createSearchApp } from "../functions/search/app.ts";
import { insertGenerated } from "../db/catalog/seed.ts";
import { normaliseSearch } from "../functions/search/normalise.ts";
import { searchQuerySchema } from "../functions/search/search_schemas.ts";
import { searchStatement } from "../functions/search/search_service.ts";
import { sqlClient } from "../shared/db.ts";
import { searchEnv } from "../functions/search/env.ts";
import { authTestEnv, bearer, issueTestToken } from "../tests/auth_helpers.ts";
import { redisClient } from "../shared/redis.ts";
import { helloWorld, hit, measure, ratio, serve } from "./lib.ts";
import { hitCpu } from "./search_hit.ts";
import { benchCatalog, type CatalogSlice, type MixQuery, QUERY_MIX } from "./search_catalog.ts";
import { MAX_BULK } from "../functions/search/bulk_routes.ts";

export { QUERY_MIX };
import { type Pct, type SearchBench, type SearchStage, searchTable } from "./search_report.ts";
export { searchTable };
export type { SearchBench, SearchStage };

export interface SearchBenchOptions {
  /** Owner URL of an empty, migrated database to fill. */
  ownerUrl: string;
  /** Env for the search app: DATABASE_URL (search role), bridges. */
  env: Record<string, string>;
  /** One size (kept for bench/all.ts); `sizes` wins when given. */
  products?: number;
  sizes?: number[];
  /** Where the Icecat data is (its words make the catalog); null: the generator. */
  icecatDir?: string | null;
  rounds?: number;
  iterations?: number;
  concurrency?: number;
  /** Cached hits timed in-process per size (bench/search_hit.ts). */
  hitIterations?: number;
}

const mb = (bytes: string | number) => Math.round(Number(bytes) / 1024 / 1024 * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

function pct(samples: number[]): Pct {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => r2(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
  return { p50_ms: at(0.5), p99_ms: at(0.99) };
}

/** The parsed, normalised request for a query string (as the route builds it). */
function normalised(query: string) {
  const params = new URLSearchParams(query);
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    raw[key] = all.length > 1 ? all : all[0];
  }
  return normaliseSearch(searchQuerySchema.parse(raw));
}

/** Seeds in stages and measures each; answers the figures. */
export async function benchSearch(opts: SearchBenchOptions): Promise<SearchBench> {
  const sizes = opts.sizes ?? [opts.products ?? 100_000];
  const rounds = opts.rounds ?? 2;
  const { slice, source } = await benchCatalog(opts.icecatDir ?? null);
  const app = createSearchApp();
  const base = opts.env.REDIS_PREFIX ?? `edgeshop-bench:search-${crypto.randomUUID().slice(0, 8)}:`;
  const envFor = (prefix: string) => ({
    ...authTestEnv(),
    SEARCH_CURSOR_SECRET: "b".repeat(32),
    ...opts.env,
    // Measure slow queries rather than cut them off at the 1.5 s production deadline.
    DB_TIMEOUT_MS: "30000",
    SEARCH_REDIS_TIMEOUT_MS: "2000",
    REDIS_TIMEOUT_MS: "5000",
    REDIS_PREFIX: `${base}${prefix}`,
  });
  const request = async (env: Record<string, string>, q: string, init: RequestInit = {}) => {
    const t = performance.now();
    const res = await app.request(`/search/products?${q}`, init, env);
    const body = await res.text();
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`Search "${q}" answered ${res.status}: ${body}`);
    return { ms, body, timing: res.headers.get("Server-Timing") };
  };
  const adminHeaders = bearer(await issueTestToken({ sub: "bench", role: "admin" }));
  const owner = new pg.Client({ connectionString: opts.ownerUrl });
  const owner2 = new pg.Client({ connectionString: opts.ownerUrl });
  const asSearch = new pg.Client({ connectionString: opts.env.DATABASE_URL });
  await owner.connect();
  await owner2.connect();
  await asSearch.connect();
  const stages: SearchStage[] = [];
  let seeded = 0;
  try {
    for (const size of sizes) {
      const t0 = performance.now();
      await importRange([owner, owner2], slice, seeded, size);
      const importPerS = Math.round((size - seeded) / (performance.now() - t0) * 1000);
      seeded = size;
      await owner.query(`INSERT INTO checkout.inventory (product_id, on_hand)
        SELECT id, (abs(hashtext(id)) % 3) * 5 FROM catalog.products ON CONFLICT DO NOTHING`);
      // Fresh statistics everywhere (inventory too: without them the stock join plans badly).
      await owner.query("VACUUM ANALYZE");
      const { rows: [sz] } = await owner.query(`SELECT pg_table_size('catalog.products') AS t,
        pg_relation_size('catalog.products_search_doc_idx') AS s,
        pg_indexes_size('catalog.products') + pg_total_relation_size('catalog.terms') AS i,
        (SELECT count(*) FROM catalog.terms) AS terms`);

      // Deep cursors: walk to the page once (its own prefix), then time that page.
      const mix: { kind: string; query: string }[] = [];
      const walk = envFor(`s${size}-walk:`);
      for (const m of QUERY_MIX) mix.push({ kind: m.kind, query: await deepQuery(m, walk) });

      // Clients per call, as per request: each carries its own deadline from its creation.
      const probeEnv = searchEnv(envFor("x:"));
      const neon = () => sqlClient(probeEnv);
      const redis = () => redisClient(probeEnv);
      const redisGet: number[] = [];
      const select1: number[] = [];
      const uncached: number[] = [];
      const byKind: Record<string, number[]> = {};
      const cached: number[] = [];
      for (const m of mix) await request(envFor(`s${size}-warm:`), m.query); // warm the buffers
      for (let r = 0; r < rounds; r++) {
        const env = envFor(`s${size}-r${r}:`);
        for (const m of mix) {
          const t = performance.now();
          await neon().query("SELECT 1");
          select1.push(performance.now() - t);
          const { ms } = await request(env, m.query);
          uncached.push(ms);
          (byKind[m.kind] ??= []).push(ms);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000)); // background cache writes land
        for (const m of mix) {
          const t = performance.now();
          await redis().get(`${base}x:probe`);
          redisGet.push(performance.now() - t);
          cached.push((await request(env, m.query)).ms);
        }
        // Untimed: the admin sees the cache outcome in Server-Timing; every entry must be a hit.
        for (const m of mix) {
          const { timing } = await request(env, m.query, { headers: adminHeaders });
          if (!timing?.includes('cache;desc="hit"')) throw new Error(`Not a hit: ${m.query}`);
        }
      }
      // The in-function CPU of a hit: the last round's entries, Upstash replies replayed in-process.
      const cpu = await hitCpu(
        app,
        envFor(`s${size}-r${rounds - 1}:`),
        mix.map((m) => m.query),
        opts.hitIterations ?? 3000,
      );
      const stage: SearchStage = {
        products: size,
        import_per_s: importPerS,
        table_mb: mb(sz.t),
        search_index_mb: mb(sz.s),
        all_indexes_mb: mb(sz.i),
        terms: Number(sz.terms),
        select1: pct(select1),
        uncached: pct(uncached),
        uncached_by_kind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, pct(v)])),
        cached: pct(cached),
        redis_get: pct(redisGet),
        hit_cpu: cpu,
      };
      if (stages.length === 0) stage.postgres = await postgresTime(asSearch, mix);
      stages.push(stage);
    }
  } finally {
    await owner.end();
    await owner2.end();
    await asSearch.end();
  }

  // The last stage's first round: its entries are cached, so this measures cached hits only.
  const env = envFor(`s${sizes.at(-1)}-r0:`);
  const server = serve((req) => app.fetch(req, env));
  const hello = helloWorld();
  try {
    const iterations = opts.iterations ?? 2000;
    const concurrency = opts.concurrency ?? 16;
    const helloStats = await measure(iterations, concurrency, () => hit(hello.url));
    const cachedHttp = await measure(
      iterations,
      concurrency,
      (i) => hit(`${server.url}/search/products?${QUERY_MIX[i % QUERY_MIX.length].query}`),
    );
    return {
      source,
      queries: QUERY_MIX.length,
      stages,
      hello: helloStats,
      cached_http: cachedHttp,
      hello_vs_cached: ratio(helloStats.ops_per_s, cachedHttp.ops_per_s),
    };
  } finally {
    await server.close();
    await hello.close();
  }

  async function deepQuery(m: MixQuery, env: Record<string, string>): Promise<string> {
    let query = m.query;
    for (let page = 0; page < (m.depth ?? 0); page++) {
      const next = JSON.parse((await request(env, query)).body).next_cursor as string | null;
      if (!next) break;
      query = `${m.query}&cursor=${encodeURIComponent(next)}`;
    }
    return query;
  }
}

/**
 * Imports products `from` to `to - 1` as a client of the bulk API would: the
 * API's batch size (MAX_BULK), one batch in flight per connection (the route
 * is stateless; concurrent batches queue only on the term statistics).
 */
async function importRange(clients: pg.Client[], slice: CatalogSlice, from: number, to: number) {
  let next = from;
  await Promise.all(clients.map(async (client) => {
    while (next < to) {
      const start = next;
      next += MAX_BULK;
      await insertGenerated(client, slice(start, Math.min(MAX_BULK, to - start)));
    }
  }));
}

/** Postgres plan + execute time per query, EXPLAIN ANALYZE (no per-node timing) as the search role. */
async function postgresTime(db: pg.Client, mix: { query: string }[]) {
  const ms: number[] = [];
  for (const { query } of mix) {
    const n = normalised(query.replace(/&cursor=[^&]*/, ""));
    const [sql, params] = searchStatement(n, null);
    for (let i = 0; i < 2; i++) {
      const { rows } = await db.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sql}`, params);
      const plan = rows[0]["QUERY PLAN"][0];
      if (i === 1) ms.push(plan["Planning Time"] + plan["Execution Time"]);
    }
  }
  return { mean_ms: r2(ms.reduce((a, b) => a + b, 0) / ms.length), ...pct(ms) };
}

if (import.meta.main) {
  const { withBenchWorld } = await import("./setup.ts");
  const { findIcecat } = await import("./relevance.ts");
  const sizes = (Deno.env.get("BENCH_SEARCH_SIZES") ?? "10000,100000").split(",").map(Number);
  if (Deno.env.get("BENCH_SEARCH_1M") === "1") sizes.push(1_000_000);
  // BENCH_SEARCH_WORLD: a database name of its own, so a long run survives a concurrent `deno task bench`.
  const world = Deno.env.get("BENCH_SEARCH_WORLD") ?? "search";
  const result = await withBenchWorld(world, async (w) =>
    benchSearch({
      ownerUrl: w.ownerUrl,
      env: w.env("search"),
      sizes,
      rounds: Number(Deno.env.get("BENCH_SEARCH_ROUNDS") ?? 2),
      icecatDir: await findIcecat(),
      iterations: Number(Deno.env.get("BENCH_ITERATIONS") ?? 2000),
      hitIterations: Number(Deno.env.get("BENCH_HIT_ITERATIONS") ?? 3000),
      concurrency: Number(Deno.env.get("BENCH_CONCURRENCY") ?? 16),
    }));
  console.log(searchTable(result));
}
