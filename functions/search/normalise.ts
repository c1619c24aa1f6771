import type { SearchQuery, Sort } from "./search_schemas.ts";

/** A search request reduced to what decides its results. */
export interface NormalisedSearch {
  q: string;
  hasWords: boolean;
  categories: string[];
  brands: string[];
  minPrice: number | null;
  maxPrice: number | null;
  inStock: boolean | null;
  sort: Sort;
  limit: number;
  /** The query without limit and cursor: what a cursor is bound to. */
  canonical: string;
  /** The whole request, parameters in a fixed order: the cache key. */
  cacheKey: string;
}

const sorted = (list: string[]) => [...new Set(list)].sort();

/** Query text as matching sees it: NFC, spacing collapsed, lower case. Searches and suggestions share it. */
export const normaliseText = (q: string): string =>
  q.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();

/**
 * Case, spacing and parameter order do not change results (matching folds
 * case and accents), so they do not split the cache or invalidate a cursor.
 */
export function normaliseSearch(p: SearchQuery): NormalisedSearch {
  const q = normaliseText(p.q ?? "");
  const hasWords = /[\p{L}\p{N}]/u.test(q);
  const sort: Sort = p.sort ?? (hasWords ? "relevance" : "popularity");
  const base = {
    q: hasWords ? q : "",
    categories: sorted(p.category),
    brands: sorted(p.brand),
    minPrice: p.min_price ?? null,
    maxPrice: p.max_price ?? null,
    inStock: p.in_stock ?? null,
    sort,
  };
  const canonical = JSON.stringify([
    base.q,
    base.categories,
    base.brands,
    base.minPrice,
    base.maxPrice,
    base.inStock,
    base.sort,
  ]);
  return {
    ...base,
    hasWords,
    limit: p.limit,
    canonical,
    cacheKey: JSON.stringify([canonical, p.limit, p.cursor ?? null]),
  };
}
