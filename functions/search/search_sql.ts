import { IN_STOCK, PRODUCT_JSON } from "./product_sql.ts";
import { queryCtes } from "./query_sql.ts";

/**
 * One statement per search: hits, exact total, facets and price range come
 * back as a single JSON value (one Postgres round trip).
 *
 * Parameters: $1 q, $2 categories text[], $3 brands text[], $4 min price,
 * $5 max price, $6 in_stock, $7 sort, $8 limit, $9/$10/$11 cursor keys.
 *
 * Ranking is a bucket sort, as Meilisearch's: score = 8 if the words match
 * as typed (no typo correction) + 4 if all of them are in the name (2 if in
 * name, brand or categories; 0 when the description was needed) + 1 if the
 * last word is complete rather than a prefix. Ties fall to popularity, then
 * id. Every sort is flattened to ascending keys (k1, k2, id), so one keyset
 * condition pages all of them.
 *
 * Faceting is disjunctive (Algolia-style): each facet is counted with every
 * filter except its own, so choosing a brand keeps the other brands' counts
 * visible; the price range ignores the price filter the same way.
 */
function searchSql(withText: boolean): string {
  const textFilter = withText ? "p.search_doc @@ (SELECT q_all FROM qs)" : "true";
  const score = withText
    ? `(CASE WHEN p.search_doc @@ (SELECT q_exact FROM qs) THEN 8 ELSE 0 END)
      + (CASE WHEN p.search_doc @@ (SELECT q_name FROM qs) THEN 4
              WHEN p.search_doc @@ (SELECT q_ab FROM qs) THEN 2 ELSE 0 END)
      + (CASE WHEN p.search_doc @@ (SELECT q_whole FROM qs) THEN 1 ELSE 0 END)`
    : "0";
  const headline = (col: string, opts: string) =>
    withText
      ? `ts_headline('catalog.folded', p.${col}, (SELECT q_all FROM qs),
          'StartSel=' || chr(57344) || ', StopSel=' || chr(57345) || ', ${opts}')`
      : "NULL";
  return `WITH ${queryCtes("$1")},
base AS MATERIALIZED (
  SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at,
    ${score} AS score,
    (cardinality($2::text[]) = 0 OR p.categories && $2::text[]) AS f_cat,
    (cardinality($3::text[]) = 0 OR p.brand = ANY ($3::text[])) AS f_brand,
    (($4::int IS NULL OR p.price_cents >= $4::int) AND ($5::int IS NULL OR p.price_cents <= $5::int)) AS f_price
  FROM catalog.products p
  LEFT JOIN checkout.stock_levels s ON s.product_id = p.id
  WHERE ${textFilter} AND ($6::boolean IS NULL OR ${IN_STOCK} = $6::boolean)
),
hits AS (
  SELECT b.id,
    CASE $7::text
      WHEN 'relevance' THEN -b.score::bigint
      WHEN 'popularity' THEN -b.popularity::bigint
      WHEN 'price_asc' THEN b.price_cents::bigint
      WHEN 'price_desc' THEN -b.price_cents::bigint
      ELSE -(extract(epoch FROM b.created_at) * 1000000)::bigint
    END AS k1,
    CASE $7::text WHEN 'relevance' THEN -b.popularity::bigint ELSE 0::bigint END AS k2
  FROM base b WHERE b.f_cat AND b.f_brand AND b.f_price
),
page AS (
  SELECT h.* FROM hits h
  WHERE $9::bigint IS NULL
     OR (h.k1, h.k2, h.id COLLATE "C") > ($9::bigint, $10::bigint, $11::text COLLATE "C")
  ORDER BY h.k1, h.k2, h.id COLLATE "C"
  LIMIT $8::int + 1
)
SELECT json_build_object(
  'total', (SELECT count(*) FROM hits),
  'hits', coalesce((
    SELECT json_agg(json_build_object(
      'product', ${PRODUCT_JSON},
      'keys', json_build_array(pg.k1, pg.k2, pg.id),
      'hl_name', ${headline("name", "HighlightAll=true")},
      'hl_description', ${headline("description", "MaxWords=30, MinWords=12, MaxFragments=2")}
    ) ORDER BY pg.k1, pg.k2, pg.id COLLATE "C")
    FROM page pg JOIN catalog.products p ON p.id = pg.id
    LEFT JOIN checkout.stock_levels s ON s.product_id = p.id), '[]'::json),
  'category', coalesce((
    SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY n DESC, v)
    FROM (SELECT c AS v, count(*) AS n FROM base b, unnest(b.categories) AS c
          WHERE b.f_brand AND b.f_price GROUP BY c ORDER BY count(*) DESC, c LIMIT 100) x), '[]'::json),
  'brand', coalesce((
    SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY n DESC, v)
    FROM (SELECT b.brand AS v, count(*) AS n FROM base b
          WHERE b.f_cat AND b.f_price AND b.brand <> '' GROUP BY b.brand
          ORDER BY count(*) DESC, b.brand LIMIT 100) x), '[]'::json),
  'price', (SELECT json_build_object('min', min(b.price_cents), 'max', max(b.price_cents))
            FROM base b WHERE b.f_cat AND b.f_brand)
) AS result`;
}

/** The statement for a search with words to match. */
export const SEARCH_TEXT_SQL = searchSql(true);
/** The statement for browsing (no words): no text filter, all scores 0. */
export const SEARCH_BROWSE_SQL = searchSql(false);

/** What the statement answers, before the route shapes it. */
export interface SearchRow {
  total: number;
  hits: {
    product: Record<string, unknown>;
    keys: [number, number, string];
    hl_name: string | null;
    hl_description: string | null;
  }[];
  category: { value: string; count: number }[];
  brand: { value: string; count: number }[];
  price: { min: number | null; max: number | null };
}
