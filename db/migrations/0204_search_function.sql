-- The search statement as server-side functions (issue 10, scale).
--
-- A search was one large statement sent as text: Postgres planned it on
-- every request (3–5 ms, a third of its cost at 10,000 products), and its
-- shape could not adapt to the query (a browse of a million products counted
-- and faceted all of them). PL/pgSQL keeps each statement's plan for the
-- life of the connection (Neon's HTTP endpoint and our bridge reuse pooled
-- connections), and its control flow picks bounded work per request:
--
-- 1. catalog.analyse_query: the user's words, their variants and statistics
--    (one cached statement; also used by suggestions).
-- 2. catalog.search: count the matches of every word up to CAP + 1 (or know from
--    the term statistics that a one-word query has more); then one cached
--    statement computes total, facets and, for relevance, the page; every
--    other order takes its page from an ordered index scan over every match.
--
-- Plans are generic (plan_cache_mode): the statements are written so that
-- every branch that does not apply is cut by a one-time filter on the
-- function's variables, so one plan serves every request.

CREATE TYPE catalog.query_analysis AS (
  n_words int,
  idf_sum float8,
  -- a lower bound on the products matching the query, from the statistics alone
  -- (one word: the document frequency of its most frequent variant or completion; otherwise 0)
  lower_bound bigint,
  corrected_query text,
  avg_name float8,
  avg_description float8,
  -- whole-query tsqueries: every word / any word / every word in the name,
  -- adjacent in order / every word in the name, anywhere
  q_all tsquery,
  q_or tsquery,
  q_phrase tsquery,
  q_names tsquery,
  -- per word, in query order
  idf float8[],
  q_any tsquery[],
  q_exact tsquery[],
  q_typo tsquery[],
  q_name tsquery[],
  q_brand tsquery[],
  q_description tsquery[]
);

-- The words of `q` and what each matches. Words come from to_tsvector with
-- the documents' configuration (catalog.folded: unaccented, lower-cased, not
-- stemmed), so "USB-C", "4.5-inch" or "Café" split exactly as they did at
-- indexing time. At most 10 words count (as Meilisearch). Each word matches
-- any of its variants:
--
-- - exact: the word itself; catalog terms with the same English stem (word
--   forms: "laptops" ↔ "laptop"; words with digits are their own stem, so
--   model numbers never conflate); the joined form of it and its neighbour
--   when the catalog has it ("head set" → "headset", carried by both words);
--   its split into two catalog terms as a phrase ("microsd" → "micro sd");
--   synonyms (catalog.synonym_terms, also for a two-word key).
-- - typo: catalog terms within the typo budget (as Meilisearch: 0 under 5
--   characters, 1 from 5, 2 from 9; never for words with digits): same first
--   letter, length within the budget, a C levenshtein prefilter, then the
--   transposition-aware catalog.typo_distance.
-- - the last word also matches as a prefix ('headph':*): it may be unfinished.
--
-- IDF comes from catalog.terms (document frequency, kept by triggers on every
-- write) summed over the word's exact variants.
CREATE FUNCTION catalog.analyse_query(q text) RETURNS catalog.query_analysis
  LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  analysis catalog.query_analysis;
BEGIN
  WITH words AS (
    SELECT x.* FROM (
      SELECT row_number() OVER (ORDER BY t.positions[cardinality(t.positions)])::int AS i,
        t.lexeme AS w,
        t.positions[cardinality(t.positions)] = max(t.positions[cardinality(t.positions)]) OVER () AS is_last,
        CASE WHEN t.lexeme ~ '[0-9]' THEN 0 WHEN length(t.lexeme) >= 9 THEN 2
             WHEN length(t.lexeme) >= 5 THEN 1 ELSE 0 END AS budget
      FROM unnest(to_tsvector('catalog.folded', coalesce(q, ''))) AS t) x
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
      SELECT c.term FROM (SELECT t.term, t.df FROM catalog.terms t
      WHERE w.budget > 0 AND t.df > 0
        AND t.first_letter = left(w.w, 1)
        AND t.len BETWEEN length(w.w) - w.budget AND length(w.w) + w.budget
        AND t.term <> w.w AND t.term !~ '[0-9]'
        AND levenshtein_less_equal(t.term, w.w, 2 * w.budget) <= 2 * w.budget
      -- (OFFSET 0: the PL/pgSQL distance runs once per surviving term, not in WHERE and ORDER BY)
      OFFSET 0) c CROSS JOIN LATERAL (SELECT catalog.typo_distance(c.term, w.w, w.budget) AS d) z
      WHERE z.d <= w.budget
      ORDER BY z.d, c.df DESC, c.term
      LIMIT 10) f
  ),
  -- each variant's lexemes quoted once, for tsquery text ('a' <-> 'b')
  quoted AS (
    SELECT v.i, v.kind, v.lx, array(SELECT quote_literal(x) FROM unnest(v.lx) x) AS ql FROM variants v
  ),
  corpus AS (
    SELECT greatest(products, 1)::float8 AS n,
      greatest(name_words, 1)::float8 / greatest(products, 1) AS avg_name,
      greatest(description_words, 1)::float8 / greatest(products, 1) AS avg_description
    FROM catalog.corpus
  ),
  wq AS (
    SELECT w.i, w.w,
      (string_agg('(' || array_to_string(v.ql, ' <-> ') || ')', ' | ')
        || CASE WHEN w.is_last THEN ' | ' || quote_literal(w.w) || ':*' ELSE '' END)::tsquery AS q_any,
      (string_agg('(' || array_to_string(v.ql, ' <-> ') || ')', ' | ')
        FILTER (WHERE v.kind = 0))::tsquery AS q_exact,
      (string_agg('(' || array_to_string(v.ql, ' <-> ') || ')', ' | ')
        FILTER (WHERE v.kind = 1))::tsquery AS q_typo,
      (string_agg('(' || array_to_string(v.ql, ':A <-> ') || ':A)', ' | ')
        || CASE WHEN w.is_last THEN ' | ' || quote_literal(w.w) || ':*A' ELSE '' END)::tsquery AS q_name,
      (string_agg('(' || array_to_string(v.ql, ':B <-> ') || ':B)', ' | ')
        || CASE WHEN w.is_last THEN ' | ' || quote_literal(w.w) || ':*B' ELSE '' END)::tsquery AS q_brand,
      (string_agg('(' || array_to_string(v.ql, ':C <-> ') || ':C)', ' | ')
        || CASE WHEN w.is_last THEN ' | ' || quote_literal(w.w) || ':*C' ELSE '' END)::tsquery AS q_description,
      ln(1 + (c.n - least(c.n, d.df) + 0.5) / (least(c.n, d.df) + 0.5)) AS idf,
      -- "did you mean": a word the catalog lacks (not even as a prefix of the last word)
      -- becomes its most frequent typo correction
      -- (the prefix as a byte range on terms_prefix_idx: LIKE with a computed pattern scans them all)
      CASE WHEN d.exact_df = 0 AND d.best_typo IS NOT NULL AND NOT (w.is_last AND EXISTS (
        SELECT FROM catalog.terms p
        WHERE p.term ~>=~ w.w AND p.term ~<~ (w.w || chr(1114111)) AND p.df > 0)) THEN d.best_typo
      END AS corrected,
      c.avg_name, c.avg_description, greatest(d.max_df, pf.max_df) AS max_df
    FROM words w JOIN quoted v ON v.i = w.i CROSS JOIN corpus c
    CROSS JOIN LATERAL (
      SELECT coalesce(nullif(sum(t.df) FILTER (WHERE x.kind = 0), 0), sum(t.df), 0)::float8 AS df,
        coalesce(sum(t.df) FILTER (WHERE x.kind = 0), 0) AS exact_df,
        coalesce(max(t.df), 0) AS max_df,
        (array_agg(t.term ORDER BY t.df DESC, t.term) FILTER (WHERE x.kind = 1))[1] AS best_typo
      FROM variants x JOIN catalog.terms t ON t.term = x.lx[1]
      WHERE x.i = w.i AND cardinality(x.lx) = 1) d
    -- the last word's completions (it also matches as a prefix): the most frequent one, among
    -- the first thousand, for the lower bound
    CROSS JOIN LATERAL (
      SELECT coalesce(max(pt.df), 0) AS max_df FROM (
        SELECT p.df FROM catalog.terms p
        WHERE w.is_last AND p.term ~>=~ w.w AND p.term ~<~ (w.w || chr(1114111)) LIMIT 1000) pt) pf
    GROUP BY w.i, w.w, w.is_last, c.n, c.avg_name, c.avg_description, d.df, d.exact_df, d.max_df,
      pf.max_df,
      d.best_typo
  )
  SELECT count(*)::int, sum(wq.idf), CASE WHEN count(*) = 1 THEN max(wq.max_df) ELSE 0 END,
    CASE WHEN bool_or(wq.corrected IS NOT NULL)
      THEN string_agg(coalesce(wq.corrected, wq.w), ' ' ORDER BY wq.i) END,
    min(wq.avg_name), min(wq.avg_description),
    string_agg('(' || wq.q_any::text || ')', ' & ' ORDER BY wq.i)::tsquery,
    string_agg('(' || wq.q_any::text || ')', ' | ' ORDER BY wq.i)::tsquery,
    string_agg('(' || wq.q_name::text || ')', ' <-> ' ORDER BY wq.i)::tsquery,
    string_agg('(' || wq.q_name::text || ')', ' & ' ORDER BY wq.i)::tsquery,
    array_agg(wq.idf ORDER BY wq.i), array_agg(wq.q_any ORDER BY wq.i),
    array_agg(wq.q_exact ORDER BY wq.i), array_agg(wq.q_typo ORDER BY wq.i),
    array_agg(wq.q_name ORDER BY wq.i), array_agg(wq.q_brand ORDER BY wq.i),
    array_agg(wq.q_description ORDER BY wq.i)
  INTO analysis FROM wq;
  RETURN analysis;
END $$;

-- Sort indexes whose id order is the cursor's (COLLATE "C": byte order on
-- every server, whatever the database's collation), so an ordered scan
-- serves a page and its cursor straight from the index.
DROP INDEX catalog.products_popularity_idx;
DROP INDEX catalog.products_price_idx;
DROP INDEX catalog.products_created_idx;
CREATE INDEX products_popularity_idx ON catalog.products (popularity DESC, id COLLATE "C");
CREATE INDEX products_price_idx ON catalog.products (price_cents, id COLLATE "C");
CREATE INDEX products_price_desc_idx ON catalog.products (price_cents DESC, id COLLATE "C");
CREATE INDEX products_created_idx ON catalog.products (created_at DESC, id COLLATE "C");

-- The conditions of a match and its filters on `p`, for a statement built per
-- request (ordered_page, count_matches) whose parameters $1–$6 are the query,
-- categories, brands, min and max price and stock: only those given appear,
-- so Postgres plans with the indexes that serve them.
CREATE FUNCTION catalog.match_conditions(
  q_all tsquery, cats text[], brands text[], min_price int, max_price int, stock boolean
) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN q_all IS NOT NULL THEN ' AND p.search_doc @@ $1' ELSE '' END
    || CASE WHEN cardinality(cats) > 0 THEN ' AND p.categories && $2' ELSE '' END
    || CASE WHEN cardinality(brands) > 0 THEN ' AND p.brand = ANY ($3)' ELSE '' END
    || CASE WHEN min_price IS NOT NULL THEN ' AND p.price_cents >= $4' ELSE '' END
    || CASE WHEN max_price IS NOT NULL THEN ' AND p.price_cents <= $5' ELSE '' END
    || CASE WHEN stock IS NOT NULL THEN ' AND coalesce((SELECT s.available > 0'
      || ' FROM checkout.stock_levels s WHERE s.product_id = p.id), false) = $6' ELSE '' END
$$;

-- A page in a sort other than relevance, straight from that sort's index
-- (above CAP matches, where sorting every match would cost too much). Built
-- per request with only the filters given, so Postgres plans it with the
-- real values: an ordered index scan that stops after the page, or a bitmap
-- and a top-N sort when the filters are selective. Keys as catalog.search's.
CREATE FUNCTION catalog.ordered_page(
  q_all tsquery, cats text[], brands text[], min_price int, max_price int, stock boolean,
  sort text, lim int, after_k1 bigint, after_id text
) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
  col text := CASE sort WHEN 'price_asc' THEN 'p.price_cents' WHEN 'price_desc' THEN 'p.price_cents'
    WHEN 'newest' THEN 'p.created_at' ELSE 'p.popularity' END;
  descending boolean := sort <> 'price_asc';
  k1 text := CASE sort WHEN 'price_asc' THEN 'p.price_cents::bigint'
    WHEN 'price_desc' THEN '-p.price_cents::bigint'
    WHEN 'newest' THEN '-(extract(epoch FROM p.created_at) * 1000000)::bigint'
    ELSE '-p.popularity::bigint' END;
  -- the cursor's k1 as the column's own value
  after_num bigint := CASE WHEN sort = 'price_asc' THEN after_k1 ELSE -after_k1 END;
  after_ts timestamptz := timestamptz 'epoch' + (-after_k1) * interval '1 microsecond';
  after_val text := CASE WHEN sort = 'newest' THEN '$9' ELSE '$8' END;
  page json;
BEGIN
  EXECUTE 'SELECT json_agg(json_build_object(''id'', x.id, ''k1'', x.k1, ''k2'', 0)'
      || ' ORDER BY x.k1, x.id COLLATE "C")'
      || ' FROM (SELECT p.id, ' || k1 || ' AS k1 FROM catalog.products p WHERE true'
      || catalog.match_conditions(q_all, cats, brands, min_price, max_price, stock)
      || CASE WHEN after_k1 IS NULL THEN ''
         WHEN descending THEN format(' AND %1$s <= %2$s AND (%1$s < %2$s OR p.id COLLATE "C" > $10)',
           col, after_val)
         ELSE format(' AND (%1$s, p.id COLLATE "C") > (%2$s, $10 COLLATE "C")', col, after_val) END
      || ' ORDER BY ' || col || CASE WHEN descending THEN ' DESC' ELSE '' END
      || ', p.id COLLATE "C" LIMIT $7 + 1) x'
    INTO page
    USING q_all, cats, brands, min_price, max_price, stock, lim, after_num, after_ts, after_id;
  RETURN page;
END $$;

-- How many products match `q_all` (null: every product) and the filters,
-- counting at most `upto`, and the addresses of the first `keep` of them (in
-- scan order: the sample). Built per request with only the filters given, so
-- Postgres picks the most selective index for the real values.
CREATE FUNCTION catalog.count_matches(
  q_all tsquery, cats text[], brands text[], min_price int, max_price int, stock boolean, upto int,
  keep int, OUT n bigint, OUT tids tid[]
) LANGUAGE plpgsql STABLE AS $$
BEGIN
  EXECUTE 'SELECT count(*), (array_agg(x.ctid))[1:$8] FROM (SELECT p.ctid FROM catalog.products p'
      || ' WHERE true'
      || catalog.match_conditions(q_all, cats, brands, min_price, max_price, stock)
      || ' LIMIT $7) x'
    INTO n, tids USING q_all, cats, brands, min_price, max_price, stock, upto, keep;
END $$;

-- One search. Arguments as GET /search/products takes them (normalised: q ''
-- for no words, empty arrays for no filter), the cursor's keys (k1, k2, id)
-- or nulls. Answers {total, total_exact, corrected_query, category, brand,
-- price, q_or, page: [{id, k1, k2}]} (the page in order, one hit past the
-- limit when there is a next page); the caller renders the products.
--
-- Matching: products with every word (any variant). When fewer than 20 have
-- them all, products with some of the words join (at most 1000), ranked
-- below every full match.
--
-- Ranking (sort = relevance) is a bucket sort (as Meilisearch's) ending in a
-- BM25F score:
-- 1. more query words matched first (partial matches below full ones; among
--    those with as many words, the BM25 score prefers the ones that miss the
--    least informative word: words are dropped least informative first);
-- 2. fewer words matched only through a typo correction;
-- 3. fewer words matched only as a prefix of the last word;
-- 4. score = Σ over matched words of idf × f(k1 + 1) / (f + k1), k1 1.2,
--    where f = 3·[in name]/(1 − b + b·name_words/avg) + 2·[in brand or
--    categories] + 1·[in description]/(1 − b + b·description_words/avg),
--    b 0.75 (BM25F with presence per field: product text is short, so
--    repeating a word says little), plus a phrase bonus (0.5 × the query's
--    summed idf) when the words appear in the name next to each other in the
--    query's order;
-- 5. popularity, then id.
-- Buckets 1–3 pack into k1, the score and popularity into k2, so the cursor
-- keeps three keys (k1, k2, id) for every sort. The full per-word scoring
-- runs on the best 300 hits by a cheap key (every word matched, every word
-- in the name, shortest name, popularity, id); hits past them keep that
-- key's order (they only matter for deep pages of broad queries).
--
-- Scale: above CAP (10,000) matches, `total` counts the matches of every
-- filter up to CAP + 1 (a lower bound past CAP, with total_exact false; a
-- browse without filters knows its exact total, the catalog's size), and
-- facets and relevance come from a sample: the first 2,000 matches that pass
-- every filter. Other sorts take their page from an ordered scan over every
-- match (catalog.ordered_page), so the cheapest, newest or most popular hits
-- are the true ones.
--
-- Faceting is disjunctive (Algolia-style): each facet is counted with every
-- filter except its own, so choosing a brand keeps the other brands' counts
-- visible; the price range ignores the price filter the same way. (Over a
-- sample, only products that pass every filter are counted.)
CREATE FUNCTION catalog.search(
  q text, cats text[], brands text[], min_price int, max_price int, stock boolean,
  sort text, lim int, after_k1 bigint, after_k2 bigint, after_id text
) RETURNS json
  LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  cap constant int := 10000;
  -- above CAP, facets and relevance come from a sample of this many matches
  sample constant int := 2000;
  total bigint;
  words boolean := coalesce(q, '') <> '';
  a catalog.query_analysis;
  matches bigint;
  -- the full matches found while counting them (within CAP: read again by address, not searched)
  match_tids tid[];
  -- above CAP with filters: the sample, found while counting them
  counted boolean := false;
  sample_tids tid[];
  catalog_size bigint;
  big boolean;
  dense boolean := false;
  ordered boolean;
  has_cats boolean := cardinality(cats) > 0;
  has_brands boolean := cardinality(brands) > 0;
  res json;
  page json;
BEGIN
  IF words THEN
    a := catalog.analyse_query(q);
    SELECT c.products INTO catalog_size FROM catalog.corpus c;
    IF a.lower_bound > cap THEN
      -- Known to be above CAP from the term statistics: no need to count.
      matches := a.lower_bound;
      -- In a tenth of the catalog or more, and nothing filters it: its sample is cheaper read
      -- from the table than from a GIN bitmap of every match (see the branch below).
      dense := a.lower_bound * 10 >= catalog_size AND NOT has_cats AND NOT has_brands
        AND min_price IS NULL AND max_price IS NULL AND stock IS NULL;
    ELSIF catalog_size <= cap THEN
      -- A catalog this small cannot have more: the statement below counts them as it goes.
      matches := NULL;
    ELSE
      SELECT count(*), array_agg(x.ctid) INTO matches, match_tids
      FROM (SELECT p.ctid FROM catalog.products p WHERE p.search_doc @@ a.q_all LIMIT cap + 1) x;
    END IF;
  ELSE
    SELECT c.products INTO matches FROM catalog.corpus c;
  END IF;
  big := coalesce(matches > cap, false);
  -- Above CAP, the total counts up to CAP + 1 matches of every filter (exact below that);
  -- without filters it is known already (for a browse, exactly: the catalog's size).
  IF big THEN
    IF has_cats OR has_brands OR min_price IS NOT NULL OR max_price IS NOT NULL OR stock IS NOT NULL
    THEN
      -- (and the sample with it: the first matches that pass every filter, read back by address)
      SELECT m.n, m.tids INTO total, sample_tids
      FROM catalog.count_matches(a.q_all, cats, brands, min_price, max_price, stock, cap + 1, sample) m;
      counted := true;
    ELSE
      total := matches;
    END IF;
  END IF;
  -- Relevance with words ranks the candidates (a sample above CAP); every other order takes
  -- its page from the sort's index over every match.
  ordered := NOT (words AND sort = 'relevance');

  WITH full_matches AS MATERIALIZED (
    SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
      true AS full_match, p.search_doc @@ a.q_names AS in_name
    FROM catalog.products p
    WHERE words AND NOT big AND match_tids IS NULL AND p.search_doc @@ a.q_all
    UNION ALL
    -- (the same rows, as counted above: a TID scan, no second index search; one snapshot)
    SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
      true, p.search_doc @@ a.q_names
    FROM catalog.products p
    WHERE words AND NOT big AND match_tids IS NOT NULL AND p.ctid = ANY (match_tids)
  ),
  cand AS (
    SELECT * FROM full_matches
    UNION ALL
    -- optional words: fewer than 20 products have them all
    (SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
       false, p.search_doc @@ a.q_names
     FROM catalog.products p
     WHERE words AND NOT big AND (SELECT count(*) FROM full_matches) < 20
       AND p.search_doc @@ a.q_or AND NOT p.search_doc @@ a.q_all
     LIMIT 1000)
    UNION ALL
    SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
      true, true
    FROM catalog.products p WHERE NOT words AND NOT big
    UNION ALL
    -- Above CAP: a sample, the first that pass every filter, found through the most selective index.
    (SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
       true, p.search_doc @@ a.q_names
     FROM catalog.products p
     WHERE words AND big AND NOT counted AND NOT dense AND p.search_doc @@ a.q_all
       AND (NOT has_cats OR p.categories && cats) AND (NOT has_brands OR p.brand = ANY (brands))
       AND (min_price IS NULL OR p.price_cents >= min_price)
       AND (max_price IS NULL OR p.price_cents <= max_price)
       AND (stock IS NULL OR coalesce((SELECT s.available > 0 FROM checkout.stock_levels s
         WHERE s.product_id = p.id), false) = stock)
     LIMIT sample)
    UNION ALL
    -- The same sample for a dense word (above): the first matches in table order, read from the
    -- table until there are enough (IS TRUE keeps the GIN index out: a bitmap of 200,000 matches
    -- costs more than reading the 10,000 rows that hold the first 2,000).
    (SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
       true, p.search_doc @@ a.q_names
     FROM catalog.products p
     WHERE words AND big AND dense AND (p.search_doc @@ a.q_all) IS TRUE
     LIMIT sample)
    UNION ALL
    -- The sample counted with the filters (above), read back by address.
    SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
      true, CASE WHEN words THEN p.search_doc @@ a.q_names ELSE true END
    FROM catalog.products p
    WHERE big AND counted AND p.ctid = ANY (sample_tids)
    UNION ALL
    (SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
       true, true
     FROM catalog.products p
     WHERE NOT words AND big AND NOT counted AND has_brands AND p.brand = ANY (brands)
       AND (NOT has_cats OR p.categories && cats)
       AND (min_price IS NULL OR p.price_cents >= min_price)
       AND (max_price IS NULL OR p.price_cents <= max_price)
       AND (stock IS NULL OR coalesce((SELECT s.available > 0 FROM checkout.stock_levels s
         WHERE s.product_id = p.id), false) = stock)
     LIMIT sample)
    UNION ALL
    (SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
       true, true
     FROM catalog.products p
     WHERE NOT words AND big AND NOT counted AND NOT has_brands AND has_cats AND p.categories && cats
       AND (min_price IS NULL OR p.price_cents >= min_price)
       AND (max_price IS NULL OR p.price_cents <= max_price)
       AND (stock IS NULL OR coalesce((SELECT s.available > 0 FROM checkout.stock_levels s
         WHERE s.product_id = p.id), false) = stock)
     LIMIT sample)
    UNION ALL
    (SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
       true, true
     FROM catalog.products p
     WHERE NOT words AND big AND NOT counted AND NOT has_brands AND NOT has_cats
       AND (min_price IS NOT NULL OR max_price IS NOT NULL)
       AND p.price_cents BETWEEN coalesce(min_price, 0) AND coalesce(max_price, 2147483647)
       AND (stock IS NULL OR coalesce((SELECT s.available > 0 FROM checkout.stock_levels s
         WHERE s.product_id = p.id), false) = stock)
     LIMIT sample)
    UNION ALL
    (SELECT p.id, p.brand, p.categories, p.price_cents, p.popularity, p.created_at, p.name_words,
       true, true
     FROM catalog.products p
     WHERE NOT words AND big AND NOT has_brands AND NOT has_cats
       AND min_price IS NULL AND max_price IS NULL
       AND (stock IS NULL OR coalesce((SELECT s.available > 0 FROM checkout.stock_levels s
         WHERE s.product_id = p.id), false) = stock)
     LIMIT sample)
  ),
  base AS MATERIALIZED (
    SELECT c.*,
      (NOT has_cats OR c.categories && cats) AS f_cat,
      (NOT has_brands OR c.brand = ANY (brands)) AS f_brand,
      ((min_price IS NULL OR c.price_cents >= min_price)
        AND (max_price IS NULL OR c.price_cents <= max_price)) AS f_price
    FROM cand c
    WHERE big OR stock IS NULL OR coalesce((SELECT s.available > 0 FROM checkout.stock_levels s
      WHERE s.product_id = c.id), false) = stock
  ),
  filtered AS (SELECT * FROM base b WHERE b.f_cat AND b.f_brand AND b.f_price),
  -- the query's words, unpacked once (not once per scored product)
  per_word AS MATERIALIZED (
    SELECT * FROM unnest(a.idf, a.q_any, a.q_exact, a.q_typo, a.q_name, a.q_brand, a.q_description)
      AS u(idf, qa, qe, qt, qn, qb, qd)
  ),
  ranked AS (
    SELECT p.id,
      (r.matched * 10000 + (99 - r.typos) * 100 + (99 - r.prefixes))::bigint AS bucket,
      (r.bm25 + CASE WHEN a.n_words > 1 AND p.search_doc @@ a.q_phrase
        THEN 0.5 * a.idf_sum ELSE 0 END)::float8 AS score
    FROM (SELECT f.id FROM filtered f WHERE words AND sort = 'relevance' AND NOT ordered
          ORDER BY f.full_match DESC, f.in_name DESC, f.name_words, f.popularity DESC,
            f.id COLLATE "C"
          LIMIT 300) pre
    -- (LIMIT keeps this a per-hit index probe, whatever the generic plan estimates)
    CROSS JOIN LATERAL (SELECT * FROM catalog.products p1 WHERE p1.id = pre.id LIMIT 1) p
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE m.hit) AS matched,
        count(*) FILTER (WHERE m.hit AND NOT m.exact AND m.typo) AS typos,
        count(*) FILTER (WHERE m.hit AND NOT m.exact AND NOT m.typo) AS prefixes,
        coalesce(sum(m.idf * m.f * 2.2 / (m.f + 1.2)) FILTER (WHERE m.hit), 0) AS bm25
      FROM (
        SELECT u.idf, p.search_doc @@ u.qa AS hit,
          coalesce(p.search_doc @@ u.qe, false) AS exact,
          coalesce(p.search_doc @@ u.qt, false) AS typo,
          3 * (p.search_doc @@ u.qn)::int / (0.25 + 0.75 * p.name_words / a.avg_name)
            + 2 * (p.search_doc @@ u.qb)::int
            + (p.search_doc @@ u.qd)::int / (0.25 + 0.75 * p.description_words / a.avg_description)
            AS f
        FROM per_word u) m
    ) r
  ),
  hits AS (
    SELECT b.id,
      CASE sort
        WHEN 'relevance' THEN CASE WHEN words THEN coalesce(-r.bucket, 0) ELSE -b.popularity::bigint END
        WHEN 'popularity' THEN -b.popularity::bigint
        WHEN 'price_asc' THEN b.price_cents::bigint
        WHEN 'price_desc' THEN -b.price_cents::bigint
        ELSE -(extract(epoch FROM b.created_at) * 1000000)::bigint
      END AS k1,
      CASE WHEN sort = 'relevance' AND words THEN coalesce(
        -(round(r.score * 10000)::bigint * 1000000 + least(b.popularity, 999999)),
        -- past the preselection: the cheap key it was chosen by, in the same order
        -((b.full_match::int * 2 + b.in_name::int)::bigint * 100000000000
          + (32767 - b.name_words)::bigint * 1000000 + least(b.popularity, 999999)))
        ELSE 0::bigint END AS k2
    FROM filtered b LEFT JOIN ranked r ON r.id = b.id
    WHERE NOT ordered
  ),
  pg AS (
    SELECT h.* FROM hits h
    WHERE after_k1 IS NULL
       OR (h.k1, h.k2, h.id COLLATE "C") > (after_k1, after_k2, after_id COLLATE "C")
    ORDER BY h.k1, h.k2, h.id COLLATE "C"
    LIMIT lim + 1
  )
  SELECT json_build_object(
    'total', CASE WHEN big THEN total ELSE (SELECT count(*) FROM filtered) END,
    'total_exact', NOT big OR NOT words AND total = matches OR total <= cap,
    'corrected_query', a.corrected_query,
    'q_or', a.q_or::text,
    'page', coalesce((SELECT json_agg(json_build_object('id', pg.id, 'k1', pg.k1, 'k2', pg.k2)
                             ORDER BY pg.k1, pg.k2, pg.id COLLATE "C") FROM pg), '[]'::json),
    'category', coalesce((
      SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY n DESC, v)
      -- (unnest in the select list: one ProjectSet pass, not a function scan per product)
      FROM (SELECT c AS v, count(*) AS n
            FROM (SELECT unnest(b.categories) AS c FROM base b WHERE b.f_brand AND b.f_price) u
            GROUP BY c ORDER BY count(*) DESC, c LIMIT 100) x),
      '[]'::json),
    'brand', coalesce((
      SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY n DESC, v)
      FROM (SELECT b.brand AS v, count(*) AS n FROM base b
            WHERE b.f_cat AND b.f_price AND b.brand <> '' GROUP BY b.brand
            ORDER BY count(*) DESC, b.brand LIMIT 100) x), '[]'::json),
    'price', (SELECT json_build_object('min', min(b.price_cents), 'max', max(b.price_cents))
              FROM base b WHERE b.f_cat AND b.f_brand)
  ) INTO res;

  IF ordered THEN
    page := catalog.ordered_page(a.q_all, cats, brands, min_price, max_price, stock, sort, lim,
      after_k1, after_id);
    res := (res::jsonb || jsonb_build_object('page', coalesce(page, '[]'::json)))::json;
  END IF;
  RETURN res;
END $$;
