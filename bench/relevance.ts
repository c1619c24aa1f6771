/**
 * Relevance benchmark (`deno task bench:relevance`): imports the Icecat
 * catalog through the public bulk API into a throwaway database, runs every
 * judged query through `GET /search/products`, and prints NDCG@10 (unjudged
 * = 0, over the queries with a relevant product) beside plain BM25 computed
 * in the same run over the same products (bench/bm25.ts), with the ten worst
 * queries and what came first. The table goes into bench/results.md between
 * the relevance markers. Skips with a message when the data is absent.
 *
 *   deno task bench:relevance    # ICECAT_DIR overrides where the data is
 */
import { createSearchApp } from "../functions/search/app.ts";
import { authTestEnv, bearer, issueTestToken } from "../tests/auth_helpers.ts";
import { Bm25, type Doc, ndcg } from "./bm25.ts";
import { table } from "./lib.ts";

const ROOT = new URL("../", import.meta.url);
const CANDIDATES = [
  Deno.env.get("ICECAT_DIR"),
  new URL("../shared/data/icecat/", ROOT).pathname,
  new URL("../../shared/data/icecat/", ROOT).pathname, // from a worktree under <project>/wt/
].filter((d): d is string => !!d);

interface IcecatProduct {
  id: string;
  name: string;
  description: string | null;
  brand: string | null;
  product_type: string | null;
  price: number;
  image: string | null;
}
interface Judged {
  query: string;
  judgments: { doc_id: string; rating: number }[];
}

const readLines = async <T>(path: string) =>
  (await Deno.readTextFile(path)).split("\n").filter((l) => l.trim()).map((l) =>
    JSON.parse(l) as T
  );

/** The Icecat data folder, or null when it is absent. */
export async function findIcecat(): Promise<string | null> {
  for (const dir of CANDIDATES) {
    const ok = await Deno.stat(`${dir}/products.ndjson`).then(() => true, () => false);
    if (ok) return dir;
  }
  return null;
}

/** The API's product for an Icecat record (its product type, when set, is its category). */
const toProduct = (p: IcecatProduct) => ({
  id: p.id,
  name: p.name,
  description: p.description ?? "",
  brand: p.brand ?? "",
  categories: p.product_type ? [p.product_type] : [],
  price_cents: Math.round(p.price * 100),
  ...(p.image?.startsWith("http") ? { image_url: p.image } : {}),
});

export interface QueryResult {
  query: string;
  ours: number;
  bm25: number;
  top: string[];
}

export interface RelevanceBench {
  products: number;
  queries: number;
  judged: number;
  ours: number;
  bm25: number;
  import_s: number;
  results: QueryResult[];
}

/** Imports, queries and scores; `env` is the search app's env on a fresh database. */
export async function benchRelevance(dir: string, env: Record<string, string>) {
  const raw = await readLines<IcecatProduct>(`${dir}/products.ndjson`);
  const judged = await readLines<Judged>(`${dir}/queries.ndjson`);
  const app = createSearchApp();
  const appEnv = { ...authTestEnv(), SEARCH_CURSOR_SECRET: "r".repeat(32), ...env };
  const token = await issueTestToken({ sub: crypto.randomUUID(), role: "admin" });
  const headers = { ...bearer(token), "Content-Type": "application/json" };

  const t0 = performance.now();
  const products = raw.map(toProduct);
  for (let i = 0; i < products.length; i += 1000) {
    const res = await app.request("/search/products/bulk", {
      method: "POST",
      headers,
      body: JSON.stringify({ products: products.slice(i, i + 1000) }),
    }, appEnv);
    const body = await res.json();
    if (res.status !== 200 || body.errors.length) {
      throw new Error(`Bulk import answered ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
    }
  }
  const importS = (performance.now() - t0) / 1000;

  const byId = new Map(raw.map((p) => [p.id, p.name]));
  const bm25 = new Bm25(products.map((p): Doc => p));
  const results: QueryResult[] = [];
  for (const { query, judgments } of judged) {
    const ratings = new Map(judgments.map((j) => [j.doc_id, j.rating]));
    if (![...ratings.values()].some((r) => r > 0)) continue;
    const res = await app.request(
      `/search/products?q=${encodeURIComponent(query)}&limit=10`,
      {},
      appEnv,
    );
    if (res.status !== 200) throw new Error(`"${query}" answered ${res.status}`);
    const ids = ((await res.json()).hits as { id: string }[]).map((h) => h.id);
    results.push({
      query,
      ours: ndcg(ids, ratings),
      bm25: ndcg(bm25.search(query), ratings),
      top: ids.slice(0, 3).map((id) => `${byId.get(id)?.slice(0, 60)} (${ratings.get(id) ?? "–"})`),
    });
  }
  // Let the last searches' background cache writes land before the bridges close.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const mean = (f: (r: QueryResult) => number) =>
    results.reduce((s, r) => s + f(r), 0) / results.length;
  return {
    products: products.length,
    queries: judged.length,
    judged: results.length,
    ours: mean((r) => r.ours),
    bm25: mean((r) => r.bm25),
    import_s: importS,
    results,
  } satisfies RelevanceBench;
}

const f3 = (n: number) => n.toFixed(3);

/** The figures as markdown. */
export function relevanceTable(r: RelevanceBench): string {
  const worst = [...r.results].sort((a, b) => a.ours - b.ours || a.query.localeCompare(b.query))
    .slice(0, 10);
  return [
    `Icecat: ${r.products.toLocaleString("en")} products imported through ` +
    `\`POST /search/products/bulk\` in ${r.import_s.toFixed(1)} s; ${r.queries} judged queries, ` +
    `${r.judged} with a relevant product. NDCG@10, gain 2^rating − 1, unjudged = 0.`,
    "",
    table(["ranking", "NDCG@10"], [
      ["`GET /search/products`", f3(r.ours)],
      ["BM25 baseline, same run (k1 1.2, b 0.75, name ×3, brand ×2, description ×1)", f3(r.bm25)],
    ]),
    "",
    "Ten worst queries (first three hits, with their rating; – = unjudged):",
    "",
    table(
      ["query", "ours", "BM25", "first hits"],
      worst.map((w) => [
        w.query,
        f3(w.ours),
        f3(w.bm25),
        w.top.join("; ").replaceAll("|", "\\|") || "(none)",
      ]),
    ),
  ].join("\n");
}

const START = "<!-- relevance:start -->";
const END = "<!-- relevance:end -->";

/** bench/results.md's relevance section (empty when none was written yet). */
export async function relevanceSection(): Promise<string> {
  const text = await Deno.readTextFile(new URL("results.md", import.meta.url)).catch(() => "");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  return start >= 0 && end > start ? text.slice(start, end + END.length) : "";
}

/** Replaces (or appends) the relevance section of bench/results.md. */
async function writeSection(body: string): Promise<void> {
  const url = new URL("results.md", import.meta.url);
  const text = await Deno.readTextFile(url).catch(() => "");
  const date = new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC";
  const section = `${START}\n## Relevance\n\nGenerated by \`deno task bench:relevance\` ` +
    `(bench/relevance.ts) on ${date}.\n\n${body}\n${END}`;
  const old = await relevanceSection();
  await Deno.writeTextFile(
    url,
    old ? text.replace(old, section) : `${text.trimEnd()}\n\n${section}\n`,
  );
}

if (import.meta.main) {
  const dir = await findIcecat();
  if (!dir) {
    console.log(
      `bench:relevance skipped: no Icecat data (products.ndjson) in ${CANDIDATES.join(" or ")}; ` +
        "set ICECAT_DIR to its folder.",
    );
    Deno.exit(0);
  }
  const { withBenchWorld } = await import("./setup.ts");
  const result = await withBenchWorld("relevance", (w) => benchRelevance(dir, w.env("search")));
  const text = relevanceTable(result);
  console.log(text);
  await writeSection(text);
}
