/**
 * SQL for reading and writing catalog.products. Every statement is one
 * round trip and answers the product as JSON, `in_stock` included (a
 * checkout.stock_levels row with available > 0; no row means out of stock).
 */
/**
 * The API's product object for row `p` joined to checkout.stock_levels `s`
 * (`catalog.product_json`, migration 0400: nulls stripped, `in_stock`,
 * timestamps as shared/timestamps.ts formats them). Defined once in SQL, so
 * the search function's render (catalog.search_page) is the same object.
 */
export const PRODUCT_JSON = `catalog.product_json(p.id, p.name, p.description, p.brand,
  p.categories, p.price_cents, p.currency, p.image_url, p.rating, p.popularity, s.available,
  p.created_at, p.updated_at)`;

const STOCK_JOIN = "LEFT JOIN checkout.stock_levels s ON s.product_id = p.id";

/** The columns an API product object writes (the seeder adds `created_at`). */
export const COLS =
  "id, name, description, brand, categories, price_cents, currency, image_url, rating, popularity";
/** jsonb_to_recordset's column types for COLS; JSON arrays become text[]. */
export const RECORD_TYPES =
  "id text, name text, description text, brand text, categories text[], price_cents int, currency text, image_url text, rating numeric, popularity int";
// Validated in TypeScript first.
const RECORD = `x(${RECORD_TYPES})`;
/** What an upsert of COLS sets on an existing row. */
export const UPDATE_SET =
  `name = excluded.name, description = excluded.description, brand = excluded.brand,
  categories = excluded.categories, price_cents = excluded.price_cents, currency = excluded.currency,
  image_url = excluded.image_url, rating = excluded.rating, popularity = excluded.popularity,
  updated_at = now()`;

/** $1 id → product. */
export const GET_PRODUCT =
  `SELECT ${PRODUCT_JSON} AS product FROM catalog.products p ${STOCK_JOIN} WHERE p.id = $1`;

/** $1 jsonb array of one product → the product, or no row when the id exists. */
export const INSERT_PRODUCT = `WITH p AS (
  INSERT INTO catalog.products (${COLS}) SELECT ${COLS} FROM jsonb_to_recordset($1::jsonb) AS ${RECORD}
  ON CONFLICT (id) DO NOTHING RETURNING *)
SELECT ${PRODUCT_JSON} AS product FROM p ${STOCK_JOIN}`;

/** $1 jsonb array of one product → the product and whether it was created. */
export const UPSERT_PRODUCT = `WITH p AS (
  INSERT INTO catalog.products AS t (${COLS}) SELECT ${COLS} FROM jsonb_to_recordset($1::jsonb) AS ${RECORD}
  ON CONFLICT (id) DO UPDATE SET ${UPDATE_SET} RETURNING t.*, (t.xmax = 0) AS created)
SELECT ${PRODUCT_JSON} AS product, p.created FROM p ${STOCK_JOIN}`;

/**
 * $1 jsonb array of products (ids unique) → counts. `xmax = 0` on the
 * returned row version means the INSERT branch ran, so one statement tells
 * created from updated.
 */
export const BULK_UPSERT = `WITH w AS (
  INSERT INTO catalog.products AS t (${COLS}) SELECT ${COLS} FROM jsonb_to_recordset($1::jsonb) AS ${RECORD}
  ON CONFLICT (id) DO UPDATE SET ${UPDATE_SET} RETURNING (t.xmax = 0) AS created)
SELECT count(*) FILTER (WHERE created)::int AS created, count(*) FILTER (WHERE NOT created)::int AS updated FROM w`;

const patched = (col: string, cast: string) =>
  `${col} = CASE WHEN $2::jsonb ? '${col}' THEN ($2::jsonb->>'${col}')${cast} ELSE p.${col} END`;

/** $1 id, $2 jsonb subset of fields (validated) → the product, or no row. */
export const PATCH_PRODUCT = `WITH p AS (
  UPDATE catalog.products p SET
    ${patched("name", "")}, ${patched("description", "")}, ${patched("brand", "")},
    categories = CASE WHEN $2::jsonb ? 'categories'
      THEN ARRAY(SELECT jsonb_array_elements_text($2::jsonb->'categories')) ELSE p.categories END,
    ${patched("price_cents", "::int")}, ${patched("currency", "")}, ${patched("image_url", "")},
    ${patched("rating", "::numeric")}, ${patched("popularity", "::int")},
    updated_at = now()
  WHERE p.id = $1 RETURNING p.*)
SELECT ${PRODUCT_JSON} AS product FROM p ${STOCK_JOIN}`;

/** $1 id → one row when deleted. */
export const DELETE_PRODUCT = "DELETE FROM catalog.products WHERE id = $1 RETURNING id";
