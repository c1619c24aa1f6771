/**
 * One statement per search (one Postgres round trip): catalog.search_page
 * (db/migrations/0400_search_scale.sql) runs catalog.search
 * (0204, where matching, ranking, facets and the scale limits are explained,
 * and 0400) for totals, facets and the page's ids and keys, and renders the
 * page's products with catalog.product_json, as GET /search/products/:id does.
 *
 * Everything runs as PL/pgSQL: its statements are planned once per
 * connection, not on every request as a long statement sent as text would be.
 *
 * Parameters: $1 q ('' for none), $2 categories text[], $3 brands text[],
 * $4 min price, $5 max price, $6 in_stock, $7 sort, $8 limit, $9/$10/$11
 * cursor keys.
 *
 * Highlights are computed by the function for the page only (highlight.ts),
 * from the query's words as Postgres matched them (`q_or`).
 */
export const SEARCH_SQL = `SELECT r->'result' AS result, r->'hits' AS hits
FROM catalog.search_page($1::text, $2::text[], $3::text[], $4::int, $5::int, $6::boolean,
  $7::text, $8::int, $9::bigint, $10::bigint, $11::text) AS r`;

/** What the statement answers, before the route shapes it. */
export interface SearchRow {
  result: {
    total: number;
    total_exact: boolean;
    corrected_query: string | null;
    /** The query's words, every variant, as tsquery text (for highlights). */
    q_or: string | null;
    category: { value: string; count: number }[];
    brand: { value: string; count: number }[];
    price: { min: number | null; max: number | null };
  };
  hits: {
    product: Record<string, unknown>;
    keys: [number, number, string];
  }[];
}
