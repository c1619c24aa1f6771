/**
 * The endpoint matrix: the hot paths of all three functions in one bench
 * world (a seeded catalog, both bridges), each app served in-process with
 * Deno.serve like the hello-world baseline. Every run measures hello-world,
 * then every endpoint; figures are medians over the runs, so one noisy run on
 * a shared machine does not set them. A last sequential pass counts round trips.
 *
 *   deno run -A bench/endpoints.ts   # BENCH_ITERATIONS (300), BENCH_CONCURRENCY (16), BENCH_RUNS (5)
 */
// @ts-types="@types/pg"
import pg from "pg";
import type { ExecutionContext } from "hono";
import { createAuthApp } from "../functions/auth/app.ts";
import { createSearchApp } from "../functions/search/app.ts";
import { createCheckoutApp } from "../functions/checkout/app.ts";
import { seedCatalog } from "../db/catalog/seed.ts";
import { seedInventory } from "../db/seed_inventory.ts";
import { TEST_PROVIDER_APP_NAME } from "../functions/checkout/payments/test_provider.ts";
import { authTestEnv, bearer, issueTestToken } from "../tests/auth_helpers.ts";
import { helloWorld, hit, measure, median, medianStats } from "./lib.ts";
import { ratio, serve, type Stats, table } from "./lib.ts";
import { type Endpoint, matrix, send, type Service, sleep } from "./endpoints_matrix.ts";
import { type BenchWorld, withBenchWorld } from "./setup.ts";
import { countRoundTrips } from "../tests/round_trips.ts";

export interface EndpointsOptions {
  products?: number;
  iterations?: number;
  concurrency?: number;
  runs?: number;
  /** Sequential requests per endpoint in the round-trip pass. */
  countPass?: number;
  log?: (line: string) => void;
}

export interface EndpointFigures {
  name: string;
  /** Medians over the runs. */
  stats: Stats;
  /** Median over the runs of hello req/s ÷ this req/s, both from the same run. */
  vs_hello: number;
  /** Per request; `background` is how many waitUntil jobs each request left running. */
  postgres: number;
  redis: number;
  background: number;
}

export interface EndpointsBench {
  products: number;
  iterations: number;
  concurrency: number;
  runs: number;
  hello: Stats;
  rows: EndpointFigures[];
}

/** Catalog and inventory, straight into the database (owner URL, untimed). */
async function seed(ownerUrl: string, products: number): Promise<void> {
  await seedCatalog({ databaseUrl: ownerUrl, count: products });
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    await seedInventory(db);
    // Plenty of stock: no order fails, and none flips in_stock (which would bump
    // the catalog version and empty the search cache mid-run).
    await db.query("UPDATE checkout.inventory SET on_hand = 1000000");
  } finally {
    await db.end();
  }
}

/** Serves each app in-process, with an execution context that counts waitUntil jobs. */
function startApps(w: BenchWorld) {
  const jwt = authTestEnv();
  const env: Record<Service, Record<string, string>> = {
    auth: { ...jwt, RATE_LIMIT_LOGIN_PER_IP: "1000000", ...w.env("auth") },
    search: { ...jwt, SEARCH_CURSOR_SECRET: "b".repeat(32), ...w.env("search") },
    checkout: { ...jwt, ...w.env("checkout") },
  };
  // Deno has no execution context of its own: without one the jobs simply run
  // on (shared/wait_until.ts), and with this one they do exactly the same.
  const background = { started: 0, settled: 0 };
  const ctx = {
    waitUntil(p: Promise<unknown>) {
      background.started++;
      const done = () => void background.settled++;
      p.then(done, done);
    },
    passThroughOnException() {},
    props: {},
  } as ExecutionContext;
  const apps = { auth: createAuthApp(), search: createSearchApp(), checkout: createCheckoutApp() };
  const serve_ = (s: Service) => serve((req) => apps[s].fetch(req, env[s], ctx));
  const servers = { auth: serve_("auth"), search: serve_("search"), checkout: serve_("checkout") };
  return {
    env,
    background,
    authApp: apps.auth,
    url: { auth: servers.auth.url, search: servers.search.url, checkout: servers.checkout.url },
    close: () => Promise.all(Object.values(servers).map((s) => s.close())),
  };
}

/** Runs the matrix in a world of its own and answers the figures. */
export function benchEndpoints(opts: EndpointsOptions = {}): Promise<EndpointsBench> {
  const products = opts.products ?? 10_000;
  const iterations = opts.iterations ?? 300;
  const concurrency = opts.concurrency ?? 16;
  const runs = opts.runs ?? 5;
  const log = opts.log ?? (() => {});
  return withBenchWorld("endpoints", async (w) => {
    await seed(w.ownerUrl, products);
    const apps = startApps(w);
    const hello = helloWorld();
    try {
      const endpoints = await matrix(apps.url, apps.env, apps.authApp, products);
      const calls = new Map<Endpoint, number>();
      const admin = bearer(await issueTestToken({ sub: "bench-admin", role: "admin" }));
      const next = (ep: Endpoint, headers?: Record<string, string>) => {
        const k = calls.get(ep) ?? 0;
        calls.set(ep, k + 1);
        const call = ep.call(k);
        if (!headers) return send(apps.url[ep.service], call);
        const init = { ...call.init, headers: { ...call.init?.headers, ...headers } };
        return send(apps.url[ep.service], { ...call, init });
      };

      const warm = Math.min(iterations, concurrency * 2); // measure()'s warm-up calls
      const hellos: Stats[] = [];
      const samples = new Map(endpoints.map((ep) => [ep, [] as { s: Stats; vs: number }[]]));
      for (let r = 0; r < runs; r++) {
        const h = await measure(iterations, concurrency, () => hit(hello.url));
        hellos.push(h);
        for (const ep of endpoints) {
          await ep.prepare?.(iterations + warm);
          const s = await measure(iterations, concurrency, () => next(ep));
          samples.get(ep)!.push({ s, vs: ratio(h.ops_per_s, s.ops_per_s) });
        }
        log(`endpoints: run ${r + 1}/${runs} done`);
      }

      const n = opts.countPass ?? 20;
      const rows: EndpointFigures[] = [];
      for (const ep of endpoints) {
        await ep.prepare?.(n);
        const before = apps.background.started;
        // The test payment provider stands in for Stripe: its queries are not checkout's.
        const trips = countRoundTrips(apps.env.checkout, (c) => c.includes(TEST_PROVIDER_APP_NAME));
        try {
          for (let i = 0; i < n; i++) {
            // As an admin, so Server-Timing names the cache outcome (search routes need no token).
            const timing = (await next(ep, ep.cache ? admin : undefined)).get("Server-Timing") ??
              "";
            if (ep.cache && !timing.includes(`cache;desc="${ep.cache}"`)) {
              throw new Error(`${ep.name} was not a cache ${ep.cache}: ${timing}`);
            }
            // Let background jobs land so each request's count holds its own.
            while (apps.background.settled < apps.background.started) await sleep(1);
          }
        } finally {
          trips.stop();
        }
        const runsOf = samples.get(ep)!;
        rows.push({
          name: ep.name,
          stats: medianStats(runsOf.map((x) => x.s)),
          vs_hello: ratio(median(runsOf.map((x) => x.vs)), 1),
          postgres: ratio(trips.postgres, n),
          redis: ratio(trips.redis, n),
          background: ratio(apps.background.started - before, n),
        });
      }
      return { products, iterations, concurrency, runs, hello: medianStats(hellos), rows };
    } finally {
      await hello.close();
      await apps.close();
    }
  });
}

/** The matrix as a markdown table. */
export function endpointsTable(r: EndpointsBench): string {
  const hello = { name: "hello world (baseline)", stats: r.hello, vs_hello: 1, postgres: 0 };
  return table(
    ["endpoint", "req/s", "p50 ms", "p99 ms", "hello ÷ this", "Postgres trips", "Redis trips"],
    [{ ...hello, redis: 0, background: 0 }, ...r.rows].map((e) => [
      e.name,
      e.stats.ops_per_s,
      e.stats.p50_ms,
      e.stats.p99_ms,
      e.vs_hello,
      e.postgres,
      e.background ? `${e.redis} (${e.background} in waitUntil)` : e.redis,
    ]),
  );
}

if (import.meta.main) {
  const num = (name: string, fallback: number) => Number(Deno.env.get(name) ?? fallback);
  const result = await benchEndpoints({
    iterations: num("BENCH_ITERATIONS", 300),
    concurrency: num("BENCH_CONCURRENCY", 16),
    runs: num("BENCH_RUNS", 5),
    log: console.log,
  });
  console.log(endpointsTable(result));
}
