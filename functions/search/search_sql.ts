import { IN_STOCK, PRODUCT_JSON } from "./product_sql.ts";
import { queryCtes } from "./query_sql.ts";

/**
 * One statement per search: hits, total, facets and price range come back
 * as a single JSON value (one Postgres round trip).
 *
 * Parameters: $1 q, $2 categories text[], $3 brands text[], $4 min price,
 * $5 max price, $6 in_stock, $7 sort, $8 limit, $9/$10/$11 cursor keys.
 *
 * Matching: products with every word (any variant, see query_sql.ts). When
 * fewer than 20 products have them all, products with
 * some of the words join, ranked below every full match.
 *
 * Ranking is a bucket sort (as Meilisearch's) ending in a BM25F score:
 * 1. more query words matched first (partial matches below full ones; among
 *    those with as many words, the BM25 score below prefers the ones that
 *    miss the least informative word, i.e. words are dropped least
 *    informative first);
 * 2. fewer words matched only through a typo correction;
 * 3. fewer words matched only as a prefix of the last word;
 * 4. score = Σ over matched words of idf × f(k1 + 1) / (f + k1), k1 1.2,
 *    where f = 3·[in name]/(1 − b + b·name_words/avg) + 2·[in brand or
 *    categories] + 1·[in description]/(1 − b + b·description_words/avg),
 *    b 0.75 (BM25F with presence per field: product text is short, so
 *    repeating a word says little), plus a phrase bonus when the words
 *    appear in the name next to each other in the query's order;
 * 5. popularity, then id.
 * Buckets 1–3 pack into k1, the score and popularity into k2, so the
 * cursor keeps three keys (k1, k2, id) for every sort. The full per-word
 * scoring runs on the best 1000 hits by a cheap key (every word
 * matched, every word in the name, shortest name, popularity, id); hits past
 * them keep that key's order (they only matter for deep pages of broad
 * queries).
 *
 * Scale: above CAP (10,000) products with every word, the candidates are the
 * first 10,001 that pass the filters, `total` counts those (a lower bound,
 * `total_exact: false`) and facets are counted over that sample.
 *
 * Faceting is disjunctive (Algolia-style): each facet is counted with every
 * filter except its own, so choosing a brand keeps the other brands' counts
 * visible; the price range ignores the price filter the same way.
 */
const OPTIONAL_WORDS_BELOW = 20;
const CAP = 10_000;
// Only this many hits (the best by a cheap key) get the full per-word scoring.
const PRESELECT = 1000;
const K1 = 1.2;
const B = 0.75;
const PHRASE_BONUS = 0.5; // × the query's summed idf

const norm = (words: string, avg: string) => `(${1 - B} + ${B} * ${words} / c.${avg})`;

// The ranking signals of product p for the query (one row per word in wq).
const SIGNALS = `CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE m.hit) AS matched,
      count(*) FILTER (WHERE m.hit AND NOT m.exact AND m.typo) AS typos,
      count(*) FILTER (WHERE m.hit AND NOT m.exact AND NOT m.typo) AS prefixes,
      coalesce(sum(m.idf * m.f * ${K1 + 1} / (m.f + ${K1})) FILTER (WHERE m.hit), 0) AS bm25
    FROM (
      SELECT wq.idf, p.search_doc @@ wq.q_any AS hit,
        coalesce(p.search_doc @@ wq.q_exact, false) AS exact,
        coalesce(p.search_doc @@ wq.q_typo, false) AS typo,
        3 * (p.search_doc @@ wq.q_name)::int / ${norm("p.name_words", "avg_name")}
          + 2 * (p.search_doc @@ wq.q_brand)::int
          + (p.search_doc @@ wq.q_description)::int / ${
  norm("p.description_words", "avg_description")
} AS f
      FROM wq, corpus c) m
  ) r`;

// Products with every word; when fewer than OPTIONAL_WORDS_BELOW have them all, also those with
// some (each branch's one-time filter skips its scan when it does not apply). Above CAP matches
// ("big"), only the first CAP + 1 that pass every filter are taken: hits stay right for the
// filters, the total becomes a lower bound and facets come from that sample.
const CANDIDATE_COLS = `p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at,
  p.search_doc, p.name_words, p.description_words`;
const FILTERS = `(cardinality($2::text[]) = 0 OR p.categories && $2::text[])
    AND (cardinality($3::text[]) = 0 OR p.brand = ANY ($3::text[]))
    AND ($4::int IS NULL OR p.price_cents >= $4::int) AND ($5::int IS NULL OR p.price_cents <= $5::int)`;
const TEXT_CANDIDATES = `full_count AS (
  SELECT count(*) AS n FROM (SELECT 1 FROM catalog.products x
    WHERE x.search_doc @@ (SELECT q_all FROM qs) LIMIT ${CAP + 1}) y
),
cand AS (
  SELECT ${CANDIDATE_COLS} FROM catalog.products p
  WHERE (SELECT n FROM full_count) <= ${CAP} AND p.search_doc @@ (SELECT q_all FROM qs)
  UNION ALL
  (SELECT ${CANDIDATE_COLS} FROM catalog.products p
   WHERE (SELECT n FROM full_count) > ${CAP} AND p.search_doc @@ (SELECT q_all FROM qs) AND ${FILTERS}
   LIMIT ${CAP + 1})
  UNION ALL
  SELECT ${CANDIDATE_COLS} FROM catalog.products p
  WHERE (SELECT n FROM full_count) < ${OPTIONAL_WORDS_BELOW}
    AND p.search_doc @@ (SELECT q_or FROM qs) AND NOT p.search_doc @@ (SELECT q_all FROM qs)
)`;

function searchSql(withText: boolean): string {
  const headline = (col: string, opts: string) =>
    withText
      ? `ts_headline('catalog.folded', p.${col}, (SELECT q_or FROM qs),
          'StartSel=' || chr(57344) || ', StopSel=' || chr(57345) || ', ${opts}')`
      : "NULL";
  const bucket = withText ? "r.matched * 10000 + (99 - r.typos) * 100 + (99 - r.prefixes)" : "0";
  const score = withText
    ? `r.bm25 + CASE WHEN qs.n_words > 1 AND p.search_doc @@ qs.q_phrase
        THEN ${PHRASE_BONUS} * qs.idf_sum ELSE 0 END`
    : "0";
  const ctes = withText
    ? `${queryCtes("$1")},\n${TEXT_CANDIDATES}`
    // $1 is still declared, so both statements take the same parameters.
    : "cand AS (SELECT p.* FROM catalog.products p WHERE $1::text IS NULL OR true)";
  const flags = withText
    ? `p.search_doc @@ (SELECT q_all FROM qs) AS full_match,
    p.search_doc @@ (SELECT q_names FROM qs) AS in_name, p.name_words`
    : "true AS full_match, true AS in_name, 0 AS name_words";
  const ranked = withText
    ? `ranked AS (
  SELECT p.id, (${bucket})::bigint AS bucket, (${score})::float8 AS score
  FROM (SELECT f.id FROM filtered f WHERE $7::text = 'relevance'
        ORDER BY f.full_match DESC, f.in_name DESC, f.name_words, f.popularity DESC, f.id COLLATE "C"
        LIMIT ${PRESELECT}) pre
  JOIN catalog.products p ON p.id = pre.id
  CROSS JOIN qs ${SIGNALS}
)`
    : "ranked AS (SELECT NULL::text AS id, 0::bigint AS bucket, 0::float8 AS score WHERE false)";
  return `WITH ${ctes},
base AS MATERIALIZED (
  SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, ${flags},
    (cardinality($2::text[]) = 0 OR p.categories && $2::text[]) AS f_cat,
    (cardinality($3::text[]) = 0 OR p.brand = ANY ($3::text[])) AS f_brand,
    (($4::int IS NULL OR p.price_cents >= $4::int) AND ($5::int IS NULL OR p.price_cents <= $5::int)) AS f_price
  FROM cand p
  LEFT JOIN checkout.stock_levels s ON s.product_id = p.id
  WHERE $6::boolean IS NULL OR ${IN_STOCK} = $6::boolean
),
filtered AS (SELECT * FROM base b WHERE b.f_cat AND b.f_brand AND b.f_price),
${ranked},
hits AS (
  SELECT b.id,
    CASE $7::text
      WHEN 'relevance' THEN coalesce(-r.bucket, 0)
      WHEN 'popularity' THEN -b.popularity::bigint
      WHEN 'price_asc' THEN b.price_cents::bigint
      WHEN 'price_desc' THEN -b.price_cents::bigint
      ELSE -(extract(epoch FROM b.created_at) * 1000000)::bigint
    END AS k1,
    CASE $7::text WHEN 'relevance' THEN coalesce(
      -(round(r.score * 10000)::bigint * 1000000 + least(b.popularity, 999999)),
      -- past the preselection: the cheap key it was chosen by, in the same order
      -((b.full_match::int * 2 + b.in_name::int)::bigint * 100000000000
        + (32767 - b.name_words)::bigint * 1000000 + least(b.popularity, 999999)))
      ELSE 0::bigint END AS k2
  FROM filtered b LEFT JOIN ranked r ON r.id = b.id
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
  'total_exact', ${withText ? `(SELECT n FROM full_count) <= ${CAP}` : "true"},
  'corrected_query', ${withText ? "(SELECT corrected_query FROM qs)" : "NULL"},
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
  total_exact: boolean;
  corrected_query: string | null;
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
