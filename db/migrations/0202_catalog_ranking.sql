-- Relevance ranking (issue 10): the statistics a search engine ranks with,
-- kept in Postgres and updated by the writes themselves.

-- Every lexeme of the catalog with its document frequency (products that
-- carry it in any field): term rarity (IDF) for ranking, the vocabulary for
-- typo correction, prefix completion and joined words, and its English stem
-- (Snowball) so that word forms meet ("laptops" finds "laptop"). Words with
-- digits are their own stem: model numbers never conflate.
CREATE TABLE catalog.terms (
  term text PRIMARY KEY,
  df integer NOT NULL,
  stem text NOT NULL,
  first_letter text GENERATED ALWAYS AS (left(term, 1)) STORED,
  len smallint GENERATED ALWAYS AS (length(term)) STORED
);
CREATE INDEX terms_stem_idx ON catalog.terms (stem);
CREATE INDEX terms_typo_idx ON catalog.terms (first_letter, len);
CREATE INDEX terms_prefix_idx ON catalog.terms (term text_pattern_ops);

-- Catalog-wide counts for BM25's length normalisation: products and the
-- words of all their names and descriptions (the averages are sums ÷ products).
CREATE TABLE catalog.corpus (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  products bigint NOT NULL DEFAULT 0,
  name_words bigint NOT NULL DEFAULT 0,
  description_words bigint NOT NULL DEFAULT 0
);
INSERT INTO catalog.corpus DEFAULT VALUES;

CREATE FUNCTION catalog.stem(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT CASE WHEN $1 ~ '[0-9]' THEN $1
    ELSE coalesce((ts_lexize('pg_catalog.english_stem'::regdictionary, $1))[1], $1) END $$;

-- Field lengths in words (distinct lexemes: repeated words in a name say
-- little), for the per-field length normalisation.
ALTER TABLE catalog.products
  ADD COLUMN name_words smallint
    GENERATED ALWAYS AS (length(to_tsvector('catalog.folded'::regconfig, name))) STORED,
  ADD COLUMN description_words smallint
    GENERATED ALWAYS AS (length(to_tsvector('catalog.folded'::regconfig, description))) STORED;

-- Adds (sign 1) or removes (sign -1) a set of products' terms and lengths.
-- Rows are upserted in term order, so concurrent imports lock in one order.
CREATE FUNCTION catalog.count_terms(docs tsvector[], names int, descriptions int, n int, sign int)
  RETURNS void LANGUAGE sql AS $$
  INSERT INTO catalog.terms AS t (term, df, stem)
    SELECT w, sign * count(*), catalog.stem(w)
    FROM unnest(docs) AS d, unnest(tsvector_to_array(d)) AS w
    GROUP BY w ORDER BY w
  ON CONFLICT (term) DO UPDATE SET df = t.df + excluded.df;
  UPDATE catalog.corpus SET products = products + sign * n,
    name_words = name_words + sign * names,
    description_words = description_words + sign * descriptions;
$$;

-- Statement-level triggers with transition tables: one pass per INSERT,
-- UPDATE or DELETE statement, so a 1000-row bulk import costs one upsert.
CREATE FUNCTION catalog.track_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM catalog.count_terms(array_agg(search_doc), sum(name_words)::int,
      sum(description_words)::int, count(*)::int, -1) FROM old_rows HAVING count(*) > 0;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM catalog.count_terms(array_agg(search_doc), sum(name_words)::int,
      sum(description_words)::int, count(*)::int, 1) FROM new_rows HAVING count(*) > 0;
    INSERT INTO catalog.suggest_terms (kind, value, folded)
      SELECT DISTINCT 'brand', brand, catalog.fold(brand) FROM new_rows WHERE brand <> ''
      UNION
      SELECT DISTINCT 'category', c, catalog.fold(c) FROM new_rows, unnest(new_rows.categories) AS c
      WHERE c <> ''
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER products_learn_terms_ins ON catalog.products;
DROP TRIGGER products_learn_terms_upd ON catalog.products;
DROP FUNCTION catalog.learn_terms();
DROP TABLE catalog.search_words;

CREATE TRIGGER products_terms_ins AFTER INSERT ON catalog.products
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog.track_terms();
CREATE TRIGGER products_terms_upd AFTER UPDATE ON catalog.products
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION catalog.track_terms();
CREATE TRIGGER products_terms_del AFTER DELETE ON catalog.products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog.track_terms();

-- The catalog as it stands.
SELECT catalog.count_terms(array_agg(search_doc), coalesce(sum(name_words), 0)::int,
  coalesce(sum(description_words), 0)::int, count(*)::int, 1)
FROM catalog.products HAVING count(*) > 0;

-- Synonym groups (GET/PUT /search/synonyms): `words` match each other; with
-- `one_way_from`, only that word expands to the others. Lexemes are stored
-- folded as the documents are, one row per (group, word) for the lookup.
CREATE TABLE catalog.synonyms (
  id text PRIMARY KEY,
  words text[] NOT NULL,
  one_way_from text,
  position integer NOT NULL
);
CREATE TABLE catalog.synonym_terms (
  term text NOT NULL,
  group_id text NOT NULL REFERENCES catalog.synonyms (id) ON DELETE CASCADE,
  expands boolean NOT NULL,
  PRIMARY KEY (term, group_id)
);

-- The set as the API answers it, in the order it was given.
CREATE FUNCTION catalog.synonyms_json() RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object('synonyms', coalesce(json_agg(json_strip_nulls(json_build_object(
    'id', id, 'words', words, 'one_way_from', one_way_from)) ORDER BY position), '[]'::json))
  FROM catalog.synonyms
$$;

-- Replaces the whole set (validated by the API) in one statement: a group's
-- words are stored folded into lexemes as the documents are ("Head-Set" →
-- "head-set head set"), so the query side matches them by equality.
CREATE FUNCTION catalog.replace_synonyms(groups jsonb) RETURNS json LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM catalog.synonyms;
  INSERT INTO catalog.synonyms (id, words, one_way_from, position)
    SELECT x.id, x.words, x.one_way_from, x.ord
    FROM ROWS FROM (jsonb_to_recordset(groups) AS (id text, words text[], one_way_from text))
      WITH ORDINALITY AS x(id, words, one_way_from, ord);
  INSERT INTO catalog.synonym_terms (term, group_id, expands)
    SELECT f.term, s.id, bool_or(s.one_way_from IS NULL OR s.one_way_from = w)
    FROM catalog.synonyms s, unnest(s.words) AS w,
      LATERAL (SELECT string_agg(t.lexeme, ' ' ORDER BY t.positions[1]) AS term
               FROM unnest(to_tsvector('catalog.folded', w)) AS t) f
    WHERE f.term IS NOT NULL
    GROUP BY f.term, s.id;
  RETURN catalog.synonyms_json();
END $$;

-- The search statement is one large query whose cost estimate can cross
-- jit_above_cost; compiling it takes far longer (seconds on a busy machine)
-- than running it (milliseconds). Short OLTP statements gain nothing from JIT.
DO $$ BEGIN
  EXECUTE format('ALTER ROLE edgeshop_search IN DATABASE %I SET jit = off', current_database());
END $$;
