import { PRODUCT_JSON } from "./product_sql.ts";

/**
 * One statement per search (one Postgres round trip): catalog.search
 * (db/migrations/0204_search_function.sql, where matching, ranking, facets
 * and the scale limits are explained) answers totals, facets and the page's
 * ids and keys; this statement renders the page's products, so a product
 * reads the same here as from GET /search/products/:id.
 *
 * The search itself runs as PL/pgSQL: its statements are planned once per
 * connection, not on every request as a long statement sent as text would be.
 *
 * Parameters: $1 q ('' for none), $2 categories text[], $3 brands text[],
 * $4 min price, $5 max price, $6 in_stock, $7 sort, $8 limit, $9/$10/$11
 * cursor keys.
 *
 * Highlights are computed by the function for the page only (highlight.ts),
 * from the query's words as Postgres matched them (`q_or`).
 */
// (MATERIALIZED: the search runs once, not once per reference to its result.)
export const SEARCH_SQL = `WITH x AS MATERIALIZED (
  SELECT catalog.search($1::text, $2::text[], $3::text[], $4::int, $5::int, $6::boolean,
    $7::text, $8::int, $9::bigint, $10::bigint, $11::text) AS r)
SELECT x.r AS result, coalesce((
  SELECT json_agg(json_build_object(
      'product', ${PRODUCT_JSON},
      'keys', json_build_array(pg.k1, pg.k2, pg.id)
    ) ORDER BY pg.ord)
  FROM ROWS FROM (json_to_recordset(x.r->'page') AS (id text, k1 bigint, k2 bigint))
    WITH ORDINALITY AS pg(id, k1, k2, ord)
  JOIN catalog.products p ON p.id = pg.id
  LEFT JOIN checkout.stock_levels s ON s.product_id = p.id), '[]'::json) AS hits
FROM x`;

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
