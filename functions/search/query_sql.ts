/**
 * SQL that turns the user's words into tsqueries, inside the search
 * statement (so typo correction costs no extra round trip).
 *
 * Words come from to_tsvector with the same configuration as the documents
 * (catalog.folded: unaccented, lower-cased, not stemmed), so "USB-C",
 * "4.5-inch" or "Café" split exactly as they did at indexing time. The last
 * word is a prefix (`'headph':*`), as the user is still typing it.
 *
 * Typo budget per word (as Meilisearch): 0 under 5 characters, 1 from 5,
 * 2 from 9; words with digits are never corrected ("iphone 12" must not
 * find "13"). Corrections come from catalog.search_words: same first letter,
 * length within the budget, then a C levenshtein prefilter and the
 * transposition-aware catalog.typo_distance ("samsnug" → "samsung" is one
 * typo). Up to 10 corrections per word are OR-ed with the word itself.
 */

/** CTEs `words`, `fixes`, `terms`, `qs` for the query text in `$param`. */
export function queryCtes(param: string): string {
  return `words AS (
  SELECT t.lexeme AS w, t.positions[cardinality(t.positions)] AS pos,
    t.positions[cardinality(t.positions)] = max(t.positions[cardinality(t.positions)]) OVER () AS is_last,
    CASE WHEN t.lexeme ~ '[0-9]' THEN 0 WHEN length(t.lexeme) >= 9 THEN 2
         WHEN length(t.lexeme) >= 5 THEN 1 ELSE 0 END AS budget
  FROM unnest(to_tsvector('catalog.folded', coalesce(${param}::text, ''))) AS t
),
fixes AS (
  SELECT w.pos, f.word FROM words w
  CROSS JOIN LATERAL (
    SELECT sw.word FROM catalog.search_words sw
    WHERE w.budget > 0
      AND sw.first_letter = left(w.w, 1)
      AND sw.len BETWEEN length(w.w) - w.budget AND length(w.w) + w.budget
      AND sw.word <> w.w
      AND levenshtein_less_equal(sw.word, w.w, 2 * w.budget) <= 2 * w.budget
      AND catalog.typo_distance(sw.word, w.w, w.budget) <= w.budget
    ORDER BY catalog.typo_distance(sw.word, w.w, w.budget), sw.word
    LIMIT 10) f
),
terms AS (
  SELECT w.pos, w.is_last,
    quote_literal(w.w) AS lit,
    coalesce(array_agg(quote_literal(f.word)) FILTER (WHERE f.word IS NOT NULL), '{}') AS fix_lits
  FROM words w LEFT JOIN fixes f ON f.pos = w.pos
  GROUP BY w.pos, w.w, w.is_last
),
qs AS (
  SELECT
    -- any spelling, last word as prefix: what matches at all
    string_agg('(' || array_to_string(
      (t.lit || CASE WHEN t.is_last THEN ':*' ELSE '' END) || t.fix_lits, ' | ') || ')', ' & ')::tsquery AS q_all,
    -- as typed, no correction: the typo-free tier
    string_agg(t.lit || CASE WHEN t.is_last THEN ':*' ELSE '' END, ' & ')::tsquery AS q_exact,
    -- every word in the name (weight A), then in name, brand or categories (A, B)
    string_agg('(' || array_to_string(
      (t.lit || CASE WHEN t.is_last THEN ':*A' ELSE ':A' END)
        || array(SELECT x || ':A' FROM unnest(t.fix_lits) x), ' | ') || ')', ' & ')::tsquery AS q_name,
    string_agg('(' || array_to_string(
      (t.lit || CASE WHEN t.is_last THEN ':*AB' ELSE ':AB' END)
        || array(SELECT x || ':AB' FROM unnest(t.fix_lits) x), ' | ') || ')', ' & ')::tsquery AS q_ab,
    -- the last word complete, not only a prefix: the exactness tier
    string_agg('(' || array_to_string(t.lit || t.fix_lits, ' | ') || ')', ' & ')::tsquery AS q_whole
  FROM terms t
)`;
}
