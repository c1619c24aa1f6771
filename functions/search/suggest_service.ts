import { sqlClient } from "../../shared/db.ts";
import type { SearchEnv } from "./env.ts";

/**
 * Suggestions in one statement, typo tolerant as search is (the same word
 * variants, catalog.analyse_query in db/migrations/0204: "samsnug" suggests Samsung): brands and categories
 * holding every word (the last as a prefix), those starting with the typed
 * text first; then product names holding every word, most popular first.
 * Brands and categories come from catalog.suggest_terms (a small table) and
 * are kept only if a product still carries them.
 */
const SUGGEST_SQL = `WITH qs AS (SELECT * FROM catalog.analyse_query($1::text)),
pat AS (
  SELECT replace(replace(replace(catalog.fold($1::text), '\\', '\\\\'), '%', '\\%'), '_', '\\_') AS pattern
),
terms AS (
  SELECT t.kind, t.value, (t.folded LIKE pat.pattern || '%') AS starts
  FROM catalog.suggest_terms t, pat
  WHERE to_tsvector('catalog.folded', t.value) @@ (SELECT q_all FROM qs)
    AND CASE t.kind
      WHEN 'brand' THEN EXISTS (SELECT 1 FROM catalog.products p WHERE p.brand = t.value)
      ELSE EXISTS (SELECT 1 FROM catalog.products p WHERE p.categories @> ARRAY[t.value]) END
  ORDER BY starts DESC, length(t.value), t.value
  LIMIT $2::int * 2
),
names AS (
  SELECT p.name, (catalog.fold(p.name) LIKE (SELECT pattern FROM pat) || '%') AS starts, p.popularity, p.id
  FROM catalog.products p
  WHERE p.search_doc @@ (SELECT q_names FROM qs)
  ORDER BY starts DESC, p.popularity DESC, p.id
  LIMIT $2::int * 2
)
SELECT json_build_object(
  'terms', coalesce((SELECT json_agg(json_build_object('kind', kind, 'text', value)
    ORDER BY starts DESC, length(value), value) FROM terms), '[]'::json),
  'names', coalesce((SELECT json_agg(name ORDER BY starts DESC, popularity DESC, id) FROM names), '[]'::json)
) AS result`;

export interface Suggestion {
  text: string;
  kind: "product" | "brand" | "category";
}

/**
 * Up to a quarter of the slots (at least one) go to brands and to
 * categories, the rest to product names; unused slots pass on. Texts that
 * differ only by case appear once.
 */
export async function runSuggest(env: SearchEnv, q: string, limit: number): Promise<Suggestion[]> {
  const sql = sqlClient(env);
  const rows = await sql.query(SUGGEST_SQL, [q, limit]) as {
    result: { terms: { kind: "brand" | "category"; text: string }[]; names: string[] };
  }[];
  const { terms, names } = rows[0].result;
  const quota = Math.max(1, Math.floor(limit / 4));
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  const add = (s: Suggestion) => {
    const key = s.text.toLowerCase();
    if (out.length < limit && !seen.has(key)) {
      seen.add(key);
      out.push(s);
    }
  };
  terms.filter((t) => t.kind === "brand").slice(0, quota).forEach(add);
  terms.filter((t) => t.kind === "category").slice(0, quota).forEach(add);
  names.forEach((text) => add({ text, kind: "product" }));
  terms.forEach(add);
  return out;
}
