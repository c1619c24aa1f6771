-- Import rate (issue 10: >= 10k products/s up to 1M). The term statistics
-- stay exact; what changes is how much work a write does to keep them.

-- A bulk batch touches thousands of existing terms only to add to df. With
-- room on each page the new row version stays on its page and no index
-- (terms has four) gets a new entry: a HOT update. CLUSTER rewrites the
-- table with the new fillfactor, in term order, the order the upsert visits.
ALTER TABLE catalog.terms SET (fillfactor = 70);
CLUSTER catalog.terms USING terms_pkey;

-- The same stem, declared non-STRICT so that it can be inlined: a STRICT SQL
-- function whose body is not provably strict (a CASE) runs as a nested query
-- per call, ~2.5 µs against ~0.6 µs inlined, once per term of every batch.
-- NULL still gives NULL.
CREATE OR REPLACE FUNCTION catalog.stem(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN $1 ~ '[0-9]' THEN $1
    ELSE coalesce((ts_lexize('pg_catalog.english_stem'::regdictionary, $1))[1], $1) END $$;

-- Adds the net change of a set of products to catalog.terms: (term, change
-- in df) pairs, one per term, non-zero. Rows are upserted in one order (byte
-- order: cheaper to sort than the database collation, and any fixed order
-- will do), so concurrent writers lock them in one order. PL/pgSQL rather
-- than SQL so that the statement's plan is cached, not redone per batch.
CREATE FUNCTION catalog.add_term_deltas(terms text[], deltas int[])
  RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog.terms AS t (term, df, stem)
    SELECT d.term, d.delta, catalog.stem(d.term)
    FROM unnest(terms, deltas) AS d(term, delta)
    ORDER BY d.term COLLATE "C"
  ON CONFLICT (term) DO UPDATE SET df = t.df + excluded.df;
END $$;

-- One pass per statement, as before, but:
-- - an UPDATE counts only the net change: a product whose document did not
--   change contributes nothing, and a term both removed and added (one product
--   renamed, another given the word) is not written at all, so re-importing
--   an unchanged catalog writes no term, no corpus row, no suggestion;
-- - the corpus row is locked first, by every pass that writes statistics.
--   A bulk upsert runs two passes in one transaction (its INSERT and its
--   UPDATE trigger), each in one order but not in one order together: two
--   concurrent mixed batches could each hold a term the other's second pass
--   needs. Taking the one corpus row first makes the writers queue instead.
--   They queued in effect before too: every batch shares common words.
CREATE OR REPLACE FUNCTION catalog.track_terms() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t_terms text[];
  t_deltas int[];
  l_kinds text[];
  l_values text[];
  d_products int := 0;
  d_names int := 0;
  d_descriptions int := 0;
BEGIN
  -- (Each pair of arrays comes from one scan, so they stay aligned.)
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(w), array_agg(n) INTO t_terms, t_deltas
    FROM (SELECT w, count(*)::int AS n
          FROM new_rows, unnest(tsvector_to_array(new_rows.search_doc)) AS w GROUP BY w) c;
    SELECT count(*), coalesce(sum(name_words), 0), coalesce(sum(description_words), 0)
      INTO d_products, d_names, d_descriptions FROM new_rows;
    SELECT array_agg(kind), array_agg(value) INTO l_kinds, l_values FROM (
        SELECT 'brand' AS kind, brand AS value FROM new_rows WHERE brand <> ''
        UNION
        SELECT 'category', c FROM new_rows, unnest(new_rows.categories) AS c WHERE c <> ''
      ) v;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(w), array_agg(n) INTO t_terms, t_deltas
    FROM (SELECT w, -count(*)::int AS n
          FROM old_rows, unnest(tsvector_to_array(old_rows.search_doc)) AS w GROUP BY w) c;
    SELECT -count(*), -coalesce(sum(name_words), 0), -coalesce(sum(description_words), 0)
      INTO d_products, d_names, d_descriptions FROM old_rows;
  ELSE
    -- Pairs by id (an UPDATE that changes an id is a removal and an addition).
    WITH pairs AS (
      SELECT o.id AS old_id, n.id AS new_id, o.search_doc AS old_doc, n.search_doc AS new_doc,
        o.name_words AS old_names, n.name_words AS new_names,
        o.description_words AS old_descriptions, n.description_words AS new_descriptions
      FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
      WHERE o.search_doc IS DISTINCT FROM n.search_doc
        OR o.name_words IS DISTINCT FROM n.name_words
        OR o.description_words IS DISTINCT FROM n.description_words
        OR o.id IS NULL OR n.id IS NULL
    ), changes AS (
      SELECT w, sum(s)::int AS n FROM (
        SELECT w, -1 AS s FROM pairs, unnest(tsvector_to_array(pairs.old_doc)) AS w
        UNION ALL
        SELECT w, 1 FROM pairs, unnest(tsvector_to_array(pairs.new_doc)) AS w
      ) x GROUP BY w HAVING sum(s) <> 0
    ), sums AS (
      SELECT count(new_id) - count(old_id) AS products,
        coalesce(sum(new_names), 0) - coalesce(sum(old_names), 0) AS names,
        coalesce(sum(new_descriptions), 0) - coalesce(sum(old_descriptions), 0) AS descriptions
      FROM pairs
    )
    SELECT c.terms, c.deltas, s.products, s.names, s.descriptions
      INTO t_terms, t_deltas, d_products, d_names, d_descriptions
      FROM sums s, (SELECT array_agg(w) AS terms, array_agg(n) AS deltas FROM changes) c;
    -- Brands and categories of rows whose labels changed (suggestions linger,
    -- so unchanged ones are there already).
    WITH relabelled AS (
      SELECT n.brand, n.categories FROM new_rows n
      WHERE NOT EXISTS (SELECT FROM old_rows o
        WHERE o.id = n.id AND o.brand = n.brand AND o.categories = n.categories)
    )
    SELECT array_agg(kind), array_agg(value) INTO l_kinds, l_values FROM (
        SELECT 'brand' AS kind, brand AS value FROM relabelled WHERE brand <> ''
        UNION
        SELECT 'category', c FROM relabelled, unnest(relabelled.categories) AS c WHERE c <> ''
      ) v;
  END IF;
  IF t_terms IS NULL AND l_kinds IS NULL
     AND d_products = 0 AND d_names = 0 AND d_descriptions = 0 THEN
    RETURN NULL;
  END IF;
  UPDATE catalog.corpus SET products = products + d_products,
    name_words = name_words + d_names,
    description_words = description_words + d_descriptions;
  IF t_terms IS NOT NULL THEN
    PERFORM catalog.add_term_deltas(t_terms, t_deltas);
  END IF;
  IF l_kinds IS NOT NULL THEN
    INSERT INTO catalog.suggest_terms (kind, value, folded)
      SELECT k, v, catalog.fold(v) FROM unnest(l_kinds, l_values) AS l(k, v)
      ORDER BY k COLLATE "C", v COLLATE "C"
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
