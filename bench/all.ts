/**
 * `deno task bench`: every benchmark in turn, then bench/results.md (tables)
 * and bench/latency.svg (the endpoint chart). Each service bench runs in a
 * world of its own, so one bench's data never slows another's queries.
 *
 * By default it is the quick mode, which finishes within 5 minutes on the
 * 2-core dev machine: search on 10,000 products, 300 requests per endpoint
 * in 3 runs, 1000 per bridge case, 2 cold starts per function. `deno task bench --full` (or BENCH_FULL=1)
 * takes the published figures: 100,000 products, 1000 requests in 5 runs,
 * 2000 per bridge case, 5 cold starts.
 * Ctrl-C or a failure stops everything a bench started (dev/shutdown.ts).
 */
// @ts-types="@types/pg"
import pg from "pg";
import { createClient } from "redis";
import { BUDGET_GZIP_BYTES, bundle, type BundleSize } from "../dev/bundles.ts";
import { FUNCTIONS } from "../dev/local_env.ts";
import { ensureServers } from "../dev/servers.ts";
import { authTable, benchAuth } from "./auth.ts";
import { benchBridges, bridgesTable } from "./bridges.ts";
import { latencyChart } from "./chart.ts";
import { benchCheckout, checkoutTable } from "./checkout.ts";
import { benchColdStart, type ColdStart } from "./cold_start.ts";
import { benchEndpoints, type EndpointsBench, endpointsTable } from "./endpoints.ts";
import { table } from "./lib.ts";
import { findIcecat, relevanceSection } from "./relevance.ts";
import { benchSearch, searchTable } from "./search.ts";
import { benchStorefront, storefrontTable } from "./storefront.ts";
import { withBenchWorld } from "./setup.ts";
import { exitOnSignals } from "../dev/shutdown.ts";

const quick = !(Deno.args.includes("--full") || Deno.env.get("BENCH_FULL") === "1");
const coldRuns = quick ? 2 : 5;
exitOnSignals((line) => console.error(`[bench] ${line}`));
const started = performance.now();
const log = (line: string) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${line}`);

/** What the figures were taken on. */
async function machine(): Promise<string[][]> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))
    .match(/model name\s*:\s*(.+)/)?.[1] ?? "unknown";
  const servers = await ensureServers(() => {});
  const db = new pg.Client({ connectionString: servers.postgresUrl });
  const redis = createClient({ url: servers.redisUrl });
  try {
    await db.connect();
    await redis.connect();
    const { rows: [{ server_version }] } = await db.query("SHOW server_version");
    const info = await redis.info("server");
    return [
      ["CPU", `${cpu}, ${navigator.hardwareConcurrency} cores (nproc)`],
      ["memory", `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(1)} GiB`],
      ["OS", `${Deno.build.os} ${Deno.osRelease()}`],
      ["Deno", `${Deno.version.deno} (V8 ${Deno.version.v8})`],
      ["PostgreSQL", server_version],
      ["Redis", info.match(/redis_version:(\S+)/)?.[1] ?? "unknown"],
      // Other work on the box skews every figure: say how busy it was.
      ["load average (1 min)", `${Deno.loadavg()[0].toFixed(2)} before the bench`],
    ];
  } finally {
    await db.end();
    await redis.close();
    await servers.stop();
  }
}

const host = await machine();
log("bridges");
const bridges = await benchBridges({ iterations: quick ? 1000 : 2000, concurrencies: [1, 8] });
log("auth");
const auth = await withBenchWorld("auth", (w) => benchAuth({ env: w.env("auth") }));
const products = quick ? 10_000 : 100_000;
log(`search (${products} products)`);
const search = await withBenchWorld(
  "search",
  async (w) =>
    benchSearch({
      ownerUrl: w.ownerUrl,
      env: w.env("search"),
      products,
      icecatDir: await findIcecat(),
    }),
);
log("checkout");
const checkout = await withBenchWorld(
  "checkout",
  (w) => benchCheckout({ ownerUrl: w.ownerUrl, env: w.env("checkout") }),
);
log("storefront");
const storefront = await withBenchWorld(
  "storefront",
  (w) => benchStorefront({ ownerUrl: w.ownerUrl, env: w.env("search") }),
);
log("endpoint matrix");
// 1000 requests a run put p99 on the 10th slowest, not the 3rd.
const endpoints = await benchEndpoints({
  iterations: quick ? 300 : 1000,
  runs: quick ? 3 : 5,
  log,
});
log("bundles");
const bundles: BundleSize[] = [];
for (const service of FUNCTIONS) bundles.push(await bundle(service));
log("cold starts");
const coldStarts = await benchColdStart({ runs: coldRuns, workerd: true });
log("writing bench/results.md and bench/latency.svg");

await Deno.writeTextFile(
  new URL("latency.svg", import.meta.url),
  latencyChart(
    endpoints.rows.map((r) => ({ name: r.name, ...r.stats })),
    { name: "hello world (baseline)", ...endpoints.hello },
    `Latency per endpoint, concurrency ${endpoints.concurrency} (p50 bar, p99 whisker)`,
  ),
);
// bench:relevance writes its own section; keep it across this rewrite.
const relevance = await relevanceSection();
host.at(-1)![1] += `, ${Deno.loadavg()[0].toFixed(2)} after (its own processes count too)`;
await Deno.writeTextFile(new URL("results.md", import.meta.url), report());
log("done");

function bundlesTable(sizes: BundleSize[]): string {
  const kb = (n: number) => (n / 1024).toFixed(1);
  return table(
    ["function", "bundle KB", "gzip KB", "% of the 300 KB gzip budget", "dev-only code"],
    sizes.map((b) => [
      b.service,
      kb(b.bytes),
      kb(b.gzipBytes),
      `${Math.round(b.gzipBytes / BUDGET_GZIP_BYTES * 100)}%`,
      b.devOnly.join(", ") || "none",
    ]),
  );
}

function coldStartTable(rows: ColdStart[]): string {
  return table(
    ["function", "Deno (`deno serve`) ms", "workerd (`wrangler dev`) ms"],
    rows.map((r) => [r.service, r.deno_ms, r.workerd_ms ?? "not run"]),
  );
}

function matrixNotes(e: EndpointsBench): string {
  return `${e.products.toLocaleString("en")} generated products, plenty of stock. Concurrency ` +
    `${e.concurrency}, ${e.iterations} requests per endpoint per run (after a warm-up), ` +
    `${e.runs} runs; each run measures the hello-world first. Figures are medians over the runs; ` +
    `"hello ÷ this" is the median of each run's ratio. Round trips are per request, counted on ` +
    `this process's fetch during one extra sequential pass (one HTTP request to the Neon ` +
    `endpoint or to the Upstash URL = one round trip; the test payment provider's own queries, ` +
    `which stand in for Stripe, are left out).

- **Cached** rows repeat one query (suggest: 8 prefixes), warmed before timing; **uncached** adds ` +
    `\`max_price=<1e9 + n>\` (above every price, so it filters nothing) with a new n per request, ` +
    `so every request has a new cache key and misses. The count pass checks each request's ` +
    `\`Server-Timing\` cache outcome.
- **"in waitUntil"**: jobs left running after the response (search's cache write). On Deno they ` +
    `just run on, off the response path but on the same cores; they are in the Redis count.
- **login** hashes with PBKDF2-SHA256 at 100,000 iterations (the Workers maximum): CPU-bound by ` +
    `design. Its two rate-limit checks are auto-pipelined by @upstash/redis into one HTTP request.
- **refresh** spends a fresh refresh token per request (pool made untimed by logins); **orders** ` +
    `use a new user with a filled 2-line cart and a new Idempotency-Key each (made untimed).`;
}

function report(): string {
  const date = new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC";
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  return `# Edgeshop benchmarks

Generated by \`deno task bench${quick ? "" : " --full"}\` (bench/all.ts) on ${date}.
Do not edit by hand: rerun to refresh.

${table(["machine", ""], host)}

**Reproduce:** \`deno task bench${quick ? "" : " --full"}\` (this run took ${minutes} minutes; the
default quick mode seeds search with 10,000 products and times 300 requests per endpoint in 3 runs
and 2 cold starts; \`--full\` takes 100,000 products, 1000 requests in 5 runs and 5 cold starts). Each bench also runs alone: \`deno run -A bench/<name>.ts\`.
Postgres and Redis come from \`DATABASE_URL\` / \`REDIS_URL\`, else 127.0.0.1, else throwaway
servers; every bench makes its own database and Redis prefix and drops them after.

**Caveats.** Everything runs on one ${navigator.hardwareConcurrency}-core machine: the load
generator, the function, both bridges, Postgres and Redis share the cores, so req/s is a
comparison between endpoints on this box, not a capacity figure. The functions reach Postgres
and Redis through the local Neon and Upstash bridges: locally an extra hop (see the bridge
table), in production the network to Neon and Upstash, which costs more than this loopback.
Requests go over loopback HTTP to \`Deno.serve\`, the same way as the hello-world baseline.
Other work on the machine moves absolute figures between runs (see the load average); the
"hello ÷ this" ratios, taken within each run, move much less.

## Endpoint matrix

![latency](latency.svg)

${endpointsTable(endpoints)}

${matrixNotes(endpoints)}

## Bridges (local only)

${bridgesTable(bridges)}

## Auth

${authTable(auth)}

## Search

${searchTable(search)}

## Checkout

${checkoutTable(checkout)}

## Storefront

${storefrontTable(storefront)}

## Bundle sizes

As Workers would deploy them (\`wrangler deploy --dry-run\`), against the
${BUDGET_GZIP_BYTES / 1024} KB gzip budget that \`deno task bundles\` enforces.

${bundlesTable(bundles)}

## Cold starts

Median of ${coldRuns} starts: spawn to the first answered \`GET /<function>/health\` (no I/O). The workerd
figure includes \`wrangler dev\` bundling the function and starting workerd, so it is an upper
bound on a Workers cold start, not a measurement of one.

${coldStartTable(coldStarts)}
${relevance ? `\n${relevance}\n` : ""}`;
}
