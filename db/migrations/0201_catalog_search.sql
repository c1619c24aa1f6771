-- Full-text search over catalog.products (owned by the search service).
-- Extensions live in public (trusted extensions on PostgreSQL 13+ and Neon).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch WITH SCHEMA public;

-- unaccent() is STABLE (its dictionary could be swapped), so it cannot feed an
-- index or a generated column. Naming the dictionary, schema-qualified, makes
-- the result depend on the argument alone: the standard IMMUTABLE wrapper.
CREATE FUNCTION catalog.fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

-- A text search configuration that folds accents and case and does not stem
-- (as Meilisearch and Typesense): "Café" and "cafe" are the same lexeme, and
-- ts_headline with it highlights "Café" for the query "cafe".
CREATE TEXT SEARCH CONFIGURATION catalog.folded (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION catalog.folded
  ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, simple;

-- Weighted document: name A, brand and categories B, description C.
-- array_to_string is only STABLE in general; on text[] it is immutable.
CREATE FUNCTION catalog.search_doc(name text, brand text, categories text[], description text)
  RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT setweight(to_tsvector('catalog.folded'::regconfig, coalesce(name, '')), 'A')
      || setweight(to_tsvector('catalog.folded'::regconfig,
           coalesce(brand, '') || ' ' || coalesce(array_to_string(categories, ' '), '')), 'B')
      || setweight(to_tsvector('catalog.folded'::regconfig, coalesce(description, '')), 'C')
  $$;

ALTER TABLE catalog.products
  ADD COLUMN search_doc tsvector
    GENERATED ALWAYS AS (catalog.search_doc(name, brand, categories, description)) STORED;

CREATE INDEX products_search_doc_idx ON catalog.products USING gin (search_doc);
CREATE INDEX products_categories_idx ON catalog.products USING gin (categories);
CREATE INDEX products_brand_idx ON catalog.products (brand);
CREATE INDEX products_popularity_idx ON catalog.products (popularity DESC, id);
CREATE INDEX products_price_idx ON catalog.products (price_cents, id);
CREATE INDEX products_created_idx ON catalog.products (created_at DESC, id);

-- The catalog's vocabulary, for typo correction: query words are matched
-- against it (same first letter, length within the typo budget, then edit
-- distance), and the corrections are OR-ed into the query. Words of
-- deleted products may linger; a correction to them simply matches nothing.
CREATE TABLE catalog.search_words (
  word text PRIMARY KEY,
  first_letter text GENERATED ALWAYS AS (left(word, 1)) STORED,
  len smallint GENERATED ALWAYS AS (length(word)) STORED
);
CREATE INDEX search_words_lookup_idx ON catalog.search_words (first_letter, len);

-- Brands and categories for suggestions (same lingering rule; the suggest
-- query checks that a product still carries the value).
CREATE TABLE catalog.suggest_terms (
  kind text NOT NULL CHECK (kind IN ('brand', 'category')),
  value text NOT NULL,
  folded text NOT NULL,
  PRIMARY KEY (kind, value)
);
CREATE INDEX suggest_terms_folded_idx ON catalog.suggest_terms (folded text_pattern_ops);
CREATE INDEX suggest_terms_trgm_idx ON catalog.suggest_terms USING gin (folded gin_trgm_ops);
-- Product-name completions: prefix match on the folded name.
CREATE INDEX products_name_folded_idx ON catalog.products (catalog.fold(name) text_pattern_ops);

-- Statement-level triggers with transition tables: one pass per INSERT or
-- UPDATE statement, so a 1000-row bulk import costs one vocabulary upsert.
CREATE FUNCTION catalog.learn_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog.search_words (word)
    SELECT DISTINCT w FROM changed, unnest(tsvector_to_array(changed.search_doc)) AS w
    WHERE length(w) BETWEEN 4 AND 40 AND w !~ '[0-9]'
    ON CONFLICT DO NOTHING;
  INSERT INTO catalog.suggest_terms (kind, value, folded)
    SELECT DISTINCT 'brand', brand, catalog.fold(brand) FROM changed WHERE brand <> ''
    UNION
    SELECT DISTINCT 'category', c, catalog.fold(c) FROM changed, unnest(changed.categories) AS c
    WHERE c <> ''
    ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER products_learn_terms_ins AFTER INSERT ON catalog.products
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION catalog.learn_terms();
CREATE TRIGGER products_learn_terms_upd AFTER UPDATE ON catalog.products
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION catalog.learn_terms();

-- Optimal string alignment distance (Damerau: a swap of two neighbours is
-- one typo, as in Meilisearch), capped at max + 1. Only ever run on the few
-- words that survive the C-implemented levenshtein prefilter.
CREATE FUNCTION catalog.typo_distance(a text, b text, max int) RETURNS int
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  la int := length(a); lb int := length(b);
  prev2 int[]; prev int[]; cur int[];
  i int; j int; cost int; best int; prev_best int := 0;
BEGIN
  IF abs(la - lb) > max THEN RETURN max + 1; END IF;
  prev := array_fill(0, ARRAY[lb + 1], ARRAY[0]);
  FOR j IN 0..lb LOOP prev[j] := j; END LOOP;
  prev2 := prev;
  FOR i IN 1..la LOOP
    cur := array_fill(0, ARRAY[lb + 1], ARRAY[0]);
    cur[0] := i; best := i;
    FOR j IN 1..lb LOOP
      cost := CASE WHEN substr(a, i, 1) = substr(b, j, 1) THEN 0 ELSE 1 END;
      cur[j] := least(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      IF i > 1 AND j > 1 AND substr(a, i, 1) = substr(b, j - 1, 1)
         AND substr(a, i - 1, 1) = substr(b, j, 1) THEN
        cur[j] := least(cur[j], prev2[j - 2] + 1);
      END IF;
      best := least(best, cur[j]);
    END LOOP;
    -- Later cells derive from this row, or from the previous one plus a swap.
    IF best > max AND prev_best + 1 > max THEN RETURN max + 1; END IF;
    prev2 := prev; prev := cur; prev_best := best;
  END LOOP;
  RETURN least(prev[lb], max + 1);
END $$;
