import { sqlClient } from "../../shared/db.ts";
import type { SearchEnv } from "./env.ts";
import { type CursorKeys, encodeCursor } from "./cursor.ts";
import { highlightAll, highlightFragments, queryTerms } from "./highlight.ts";
import type { NormalisedSearch } from "./normalise.ts";
import { SEARCH_SQL, type SearchRow } from "./search_sql.ts";

/** The response body without `took_ms` (added per request, so cached bodies stay reusable). */
export interface SearchBody {
  hits: Record<string, unknown>[];
  facets: {
    category: { value: string; count: number }[];
    brand: { value: string; count: number }[];
    price: { min: number | null; max: number | null };
  };
  total: number;
  /** false when `total` is a lower bound (above 10,000 matches). */
  total_exact: boolean;
  /** The query with the words the catalog lacks replaced by their typo correction, if any. */
  corrected_query?: string;
  next_cursor: string | null;
}

/** The statement and parameters of one search (also what bench/search.ts EXPLAINs). */
export function searchStatement(
  n: NormalisedSearch,
  after: CursorKeys | null,
): [string, unknown[]] {
  return [SEARCH_SQL, [
    n.q,
    n.categories,
    n.brands,
    n.minPrice,
    n.maxPrice,
    n.inStock,
    n.sort,
    n.limit,
    after ? String(after[0]) : null,
    after ? String(after[1]) : null,
    after ? after[2] : null,
  ]];
}

/** Runs one search against Postgres: exactly one HTTP round trip to Neon. */
export async function runSearch(
  env: SearchEnv,
  n: NormalisedSearch,
  after: CursorKeys | null,
): Promise<SearchBody> {
  const sql = sqlClient(env);
  const [{ result: row, hits }] = await sql.query(...searchStatement(n, after)) as SearchRow[];
  // The statement reads one row past the page to know whether a next one exists.
  const page = hits.slice(0, n.limit);
  const last = page.at(-1);
  const nextCursor = hits.length > n.limit && last
    ? await encodeCursor(env.SEARCH_CURSOR_SECRET, n.canonical, last.keys)
    : null;
  const terms = queryTerms(row.q_or);
  return {
    hits: page.map((h) => {
      const name = highlightAll(String(h.product.name), terms);
      const description = highlightFragments(String(h.product.description), terms);
      if (!name && !description) return h.product;
      return {
        ...h.product,
        highlight: { ...(name ? { name } : {}), ...(description ? { description } : {}) },
      };
    }),
    facets: { category: row.category, brand: row.brand, price: row.price },
    total: Number(row.total),
    total_exact: row.total_exact,
    ...(row.corrected_query ? { corrected_query: row.corrected_query } : {}),
    next_cursor: nextCursor,
  };
}
