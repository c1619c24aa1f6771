/**
 * Every timestamp the API answers (`created_at`, `updated_at`,
 * `last_used_at`) is RFC 3339 in UTC with milliseconds and `Z`:
 * `2026-01-31T12:00:00.123Z`. That is exactly `Date#toISOString()`, which
 * is how auth's rows (driver `Date`s) serialise; checkout builds its JSON
 * in SQL and formats with `timestampSql`, search with the same format inside
 * `catalog.product_json` (db/migrations/0400_search_scale.sql).
 */

/** SQL for column `col` (a `timestamptz`) as the API's timestamp text; `to_char` truncates to ms like a JS `Date`. */
export const timestampSql = (col: string): string =>
  `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
