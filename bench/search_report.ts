/** The search scale benchmark's result types and its markdown tables (bench/search.ts). */
import { type Stats, table } from "./lib.ts";
import type { HitCpu } from "./search_hit.ts";

export interface Pct {
  p50_ms: number;
  p99_ms: number;
}

export interface SearchStage {
  products: number;
  import_per_s: number;
  table_mb: number;
  search_index_mb: number;
  all_indexes_mb: number;
  terms: number;
  select1: Pct;
  uncached: Pct;
  uncached_by_kind: Record<string, Pct>;
  cached: Pct;
  /** One Redis GET over the same Upstash path. */
  redis_get: Pct;
  /** A cached hit's CPU inside the search function, beside a hello-world (bench/search_hit.ts). */
  hit_cpu: HitCpu;
  /** Postgres plan + execute per uncached query (first stage only). */
  postgres?: { mean_ms: number; p50_ms: number; p99_ms: number };
}

export interface SearchBench {
  source: string;
  queries: number;
  stages: SearchStage[];
  hello: Stats;
  cached_http: Stats;
  hello_vs_cached: number;
}

/** The figures as markdown tables. */
export function searchTable(r: SearchBench): string {
  const kinds = Object.keys(r.stages[0]?.uncached_by_kind ?? {});
  const first = r.stages[0];
  return [
    `Catalog worded from ${r.source}; ${r.queries} queries (${kinds.join(", ")}), ` +
    `server time in-process through the local Neon and Upstash bridges. ` +
    `Cached hit CPU: the search app called in-process with the Upstash replies recorded from ` +
    `the bridge and replayed in-process (no I/O), ${r.stages[0]?.hit_cpu.iterations ?? 0} hits ` +
    `over the mix, interleaved with a bare Hono hello-world \`app.request\` (the baseline).`,
    "",
    table(
      [
        "products",
        "import /s",
        "table MB",
        "GIN MB",
        "all indexes MB",
        "terms",
        "SELECT 1 p50/p99 ms",
        "uncached p50/p99 ms",
        "cached p50/p99 ms",
        "Redis GET p50 ms",
        "cached hit CPU in function p50 / mean µs",
        "hello-world p50 / mean µs",
      ],
      r.stages.map((s) => [
        s.products.toLocaleString("en"),
        s.import_per_s,
        s.table_mb,
        s.search_index_mb,
        s.all_indexes_mb,
        s.terms,
        `${s.select1.p50_ms} / ${s.select1.p99_ms}`,
        `${s.uncached.p50_ms} / ${s.uncached.p99_ms}`,
        `${s.cached.p50_ms} / ${s.cached.p99_ms}`,
        s.redis_get.p50_ms,
        `${s.hit_cpu.hit.p50_us} / ${s.hit_cpu.hit.mean_us}`,
        `${s.hit_cpu.hello.p50_us} / ${s.hit_cpu.hello.mean_us}`,
      ]),
    ),
    "",
    table(
      ["uncached p50 / p99 ms by kind", ...r.stages.map((s) => s.products.toLocaleString("en"))],
      kinds.map((k) => [
        k,
        ...r.stages.map((s) => `${s.uncached_by_kind[k].p50_ms} / ${s.uncached_by_kind[k].p99_ms}`),
      ]),
    ),
    "",
    first?.postgres
      ? `Postgres time per uncached query at ${first.products.toLocaleString("en")} products ` +
        `(plan + execute, EXPLAIN ANALYZE as the search role): mean ${first.postgres.mean_ms} ms, ` +
        `p50 ${first.postgres.p50_ms} ms, p99 ${first.postgres.p99_ms} ms.`
      : "",
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
