/**
 * SQL that turns the user's words into per-word tsqueries and statistics,
 * inside the search statement (so word forms, typo correction, compounds and
 * synonyms cost no extra round trip).
 *
 * Words come from to_tsvector with the documents' configuration
 * (catalog.folded: unaccented, lower-cased, not stemmed), so "USB-C",
 * "4.5-inch" or "Café" split exactly as they did at indexing time. At most
 * 10 words count (as Meilisearch). Each word matches any of its variants:
 *
 * - kind 0 ("exact"): the word itself; catalog terms with the same English
 *   stem (word forms: "laptops" ↔ "laptop"; words with digits are their own
 *   stem, so model numbers never conflate); the joined form of it and its
 *   neighbour when the catalog has it ("head set" → "headset", carried by
 *   both words); its split into two catalog terms as a phrase ("microsd" →
 *   "micro sd"); synonyms (catalog.synonym_terms, also for a two-word key).
 * - kind 1 ("typo"): catalog terms within the typo budget (as Meilisearch:
 *   0 under 5 characters, 1 from 5, 2 from 9; never for words with digits):
 *   same first letter, length within the budget, a C levenshtein prefilter,
 *   then the transposition-aware catalog.typo_distance.
 * - the last word also matches as a prefix (`'headph':*`): it may be unfinished.
 *
 * IDF comes from catalog.terms (document frequency, kept by triggers on
 * every write) summed over the word's exact variants.
 */

// A variant (lexemes in order: one word, or a phrase) as tsquery text, each lexeme suffixed.
const render = (suffix: string) =>
  `'(' || array_to_string(array(SELECT quote_literal(x) || '${suffix}' FROM unnest(v.lx) x), ' <-> ') || ')'`;

// The variants of each word, rendered once per field restriction, OR-ed per word.
const anyOf = (suffix: string, prefixSuffix: string) =>
  `(string_agg(${render(suffix)}, ' | ')
    || CASE WHEN w.is_last THEN ' | ' || quote_literal(w.w) || '${prefixSuffix}' ELSE '' END)::tsquery`;

/** CTEs `words`, `variants`, `wq` (one row per word), `qs` (whole-query tsqueries) for `$param`. */
export function queryCtes(param: string): string {
  return `words AS (
  SELECT x.* FROM (
    SELECT row_number() OVER (ORDER BY t.positions[cardinality(t.positions)])::int AS i,
      t.lexeme AS w,
      t.positions[cardinality(t.positions)] = max(t.positions[cardinality(t.positions)]) OVER () AS is_last,
      CASE WHEN t.lexeme ~ '[0-9]' THEN 0 WHEN length(t.lexeme) >= 9 THEN 2
           WHEN length(t.lexeme) >= 5 THEN 1 ELSE 0 END AS budget
    FROM unnest(to_tsvector('catalog.folded', coalesce(${param}::text, ''))) AS t) x
  WHERE x.i <= 10
),
variants AS (
  SELECT w.i, ARRAY[w.w] AS lx, 0 AS kind FROM words w
  UNION
  SELECT w.i, ARRAY[f.term], 0 FROM words w CROSS JOIN LATERAL (
    SELECT t.term FROM catalog.terms t
    WHERE t.stem = catalog.stem(w.w) AND t.df > 0 ORDER BY t.df DESC LIMIT 8) f
  UNION
  SELECT x.i, ARRAY[t.term], 0 FROM words a JOIN words b ON b.i = a.i + 1
    JOIN catalog.terms t ON t.term = a.w || b.w AND t.df > 0
    CROSS JOIN LATERAL (VALUES (a.i), (b.i)) x(i)
  UNION
  SELECT w.i, ARRAY[left(w.w, k), substr(w.w, k + 1)], 0 FROM words w
    CROSS JOIN LATERAL generate_series(2, length(w.w) - 2) AS k
    WHERE length(w.w) >= 5 AND w.w !~ '[0-9]'
      -- (LIMIT keeps these per-row index probes: no hash join over the vocabulary)
      AND (SELECT l.df FROM catalog.terms l WHERE l.term = left(w.w, k) LIMIT 1) > 0
      AND (SELECT r.df FROM catalog.terms r WHERE r.term = substr(w.w, k + 1) LIMIT 1) > 0
  UNION
  SELECT w.i, string_to_array(o.term, ' '), 0 FROM words w
    JOIN catalog.synonym_terms s ON s.term = w.w AND s.expands
    JOIN catalog.synonym_terms o ON o.group_id = s.group_id AND o.term <> s.term
  UNION
  SELECT x.i, string_to_array(o.term, ' '), 0 FROM words a JOIN words b ON b.i = a.i + 1
    JOIN catalog.synonym_terms s ON s.term = a.w || ' ' || b.w AND s.expands
    JOIN catalog.synonym_terms o ON o.group_id = s.group_id AND o.term <> s.term
    CROSS JOIN LATERAL (VALUES (a.i), (b.i)) x(i)
  UNION
  SELECT w.i, ARRAY[f.term], 1 FROM words w CROSS JOIN LATERAL (
    SELECT t.term FROM catalog.terms t
    WHERE w.budget > 0 AND t.df > 0
      AND t.first_letter = left(w.w, 1)
      AND t.len BETWEEN length(w.w) - w.budget AND length(w.w) + w.budget
      AND t.term <> w.w AND t.term !~ '[0-9]'
      AND levenshtein_less_equal(t.term, w.w, 2 * w.budget) <= 2 * w.budget
      AND catalog.typo_distance(t.term, w.w, w.budget) <= w.budget
    ORDER BY catalog.typo_distance(t.term, w.w, w.budget), t.df DESC, t.term
    LIMIT 10) f
),
corpus AS (
  SELECT greatest(products, 1)::float8 AS n,
    greatest(name_words, 1)::float8 / greatest(products, 1) AS avg_name,
    greatest(description_words, 1)::float8 / greatest(products, 1) AS avg_description
  FROM catalog.corpus
),
wq AS (
  SELECT w.i,
    ${anyOf("", ":*")} AS q_any,
    (string_agg(${render("")}, ' | ') FILTER (WHERE v.kind = 0))::tsquery AS q_exact,
    (string_agg(${render("")}, ' | ') FILTER (WHERE v.kind = 1))::tsquery AS q_typo,
    ${anyOf(":A", ":*A")} AS q_name,
    ${anyOf(":B", ":*B")} AS q_brand,
    ${anyOf(":C", ":*C")} AS q_description,
    ln(1 + (c.n - least(c.n, d.df) + 0.5) / (least(c.n, d.df) + 0.5)) AS idf,
    -- "did you mean": a word the catalog lacks (not even as a prefix of the last word)
    -- becomes its most frequent typo correction
    CASE WHEN d.exact_df = 0 AND d.best_typo IS NOT NULL AND NOT (w.is_last AND EXISTS (
      SELECT FROM catalog.terms p WHERE p.term LIKE w.w || '%' AND p.df > 0)) THEN d.best_typo
    END AS corrected,
    w.w
  FROM words w JOIN variants v ON v.i = w.i CROSS JOIN corpus c
  CROSS JOIN LATERAL (
    SELECT coalesce(nullif(sum(t.df) FILTER (WHERE x.kind = 0), 0), sum(t.df), 0)::float8 AS df,
      coalesce(sum(t.df) FILTER (WHERE x.kind = 0), 0) AS exact_df,
      (array_agg(t.term ORDER BY t.df DESC, t.term) FILTER (WHERE x.kind = 1))[1] AS best_typo
    FROM variants x JOIN catalog.terms t ON t.term = x.lx[1]
    WHERE x.i = w.i AND cardinality(x.lx) = 1) d
  GROUP BY w.i, w.w, w.is_last, c.n, d.df, d.exact_df, d.best_typo
),
qs AS (
  SELECT
    string_agg('(' || q_any::text || ')', ' & ' ORDER BY i)::tsquery AS q_all,
    string_agg('(' || q_any::text || ')', ' | ' ORDER BY i)::tsquery AS q_or,
    -- every word in the name, in the query's order, next to each other
    string_agg('(' || q_name::text || ')', ' <-> ' ORDER BY i)::tsquery AS q_phrase,
    -- every word in the name, anywhere (suggestions)
    string_agg('(' || q_name::text || ')', ' & ' ORDER BY i)::tsquery AS q_names,
    CASE WHEN bool_or(corrected IS NOT NULL)
      THEN string_agg(coalesce(corrected, w), ' ' ORDER BY i) END AS corrected_query,
    count(*) AS n_words,
    sum(idf) AS idf_sum
  FROM wq
)`;
}
