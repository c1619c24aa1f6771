-- Search at scale (issue 10). (Numbered after checkout's migrations: the
-- search reads checkout.stock_levels.)
--
-- Facet counts kept by the writes (issue 10, scale): a browse without words
-- (a category page, a brand page, the whole catalog) answers its total and
-- facets from these tables, exactly and in constant time, instead of
-- aggregating every product it shows (all 10,000 at 10,000 products; a
-- sample of 2,000 above that).
--
-- Products per brand, per category, and per (category, brand) pair, with the
-- lowest and highest price of each. That is enough for every browse with at
-- most one category and any brands (catalog.browse_summary below; with a
-- price range, catalog.browse_priced); anything else (words, two categories,
-- a stock filter) is counted from the products as before. A product has one brand ('' for none) and distinct
-- categories (the API removes duplicates), so sums over pairs count each
-- product once: over brands for one category, over categories for one brand.
CREATE TABLE catalog.facet_brands (
  brand text PRIMARY KEY,
  n integer NOT NULL,
  min_price integer,
  max_price integer
);
CREATE TABLE catalog.facet_categories (
  category text PRIMARY KEY,
  n integer NOT NULL
);
CREATE TABLE catalog.facet_pairs (
  category text NOT NULL,
  brand text NOT NULL,
  n integer NOT NULL,
  min_price integer,
  max_price integer,
  PRIMARY KEY (category, brand)
);
-- (Counts change on most writes: room on each page keeps the updates HOT.)
ALTER TABLE catalog.facet_brands SET (fillfactor = 70);
ALTER TABLE catalog.facet_categories SET (fillfactor = 70);
ALTER TABLE catalog.facet_pairs SET (fillfactor = 70);

-- A brand's price range in two index probes, when a write removes its lowest
-- or highest price (the brand index becomes this one: `brand = ANY (...)`
-- filters use it as before).
DROP INDEX catalog.products_brand_idx;
CREATE INDEX products_brand_idx ON catalog.products (brand, price_cents);

-- Adds a statement's changes to the facet tables. Each change is a product
-- version added (s = 1) or removed (s = -1): its brand, price and categories
-- (as array text: one array per row through unnest). Counts are upserted in
-- key order; a removal of a key's lowest or highest price recomputes that
-- key's range from the products (two probes of products_brand_idx for a
-- brand; for a pair, a walk of that index in price order within the brand).
CREATE FUNCTION catalog.add_facet_changes(s int[], brands text[], prices int[], cats text[])
  RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  -- per key with removals: the lowest and highest price removed
  rb text[];
  rb_lo int[];
  rb_hi int[];
  rp_cat text[];
  rp_brand text[];
  rp_lo int[];
  rp_hi int[];
BEGIN
  WITH d AS MATERIALIZED (
    SELECT * FROM unnest(s, brands, prices, cats) AS d(s, brand, price, cats)
  ),
  dc AS MATERIALIZED (
    SELECT d.s, c AS category, d.brand, d.price FROM d, unnest(d.cats::text[]) AS c
  ),
  b AS (
    INSERT INTO catalog.facet_brands AS f (brand, n, min_price, max_price)
      SELECT d.brand, sum(d.s), min(d.price) FILTER (WHERE d.s > 0), max(d.price) FILTER (WHERE d.s > 0)
      FROM d GROUP BY d.brand ORDER BY d.brand COLLATE "C"
    ON CONFLICT (brand) DO UPDATE SET n = f.n + excluded.n,
      min_price = least(f.min_price, excluded.min_price),
      max_price = greatest(f.max_price, excluded.max_price)
  ),
  c AS (
    INSERT INTO catalog.facet_categories AS f (category, n)
      SELECT dc.category, sum(dc.s) FROM dc GROUP BY dc.category ORDER BY dc.category COLLATE "C"
    ON CONFLICT (category) DO UPDATE SET n = f.n + excluded.n
  ),
  p AS (
    INSERT INTO catalog.facet_pairs AS f (category, brand, n, min_price, max_price)
      SELECT dc.category, dc.brand, sum(dc.s),
        min(dc.price) FILTER (WHERE dc.s > 0), max(dc.price) FILTER (WHERE dc.s > 0)
      FROM dc GROUP BY dc.category, dc.brand
      ORDER BY dc.category COLLATE "C", dc.brand COLLATE "C"
    ON CONFLICT (category, brand) DO UPDATE SET n = f.n + excluded.n,
      min_price = least(f.min_price, excluded.min_price),
      max_price = greatest(f.max_price, excluded.max_price)
  )
  SELECT x.keys, x.lo, x.hi, y.cats, y.keys, y.lo, y.hi
    INTO rb, rb_lo, rb_hi, rp_cat, rp_brand, rp_lo, rp_hi
  FROM (SELECT array_agg(r.brand) AS keys, array_agg(r.lo) AS lo, array_agg(r.hi) AS hi
        FROM (SELECT d.brand, min(d.price) AS lo, max(d.price) AS hi FROM d WHERE d.s < 0
              GROUP BY d.brand) r) x,
       (SELECT array_agg(r.category) AS cats, array_agg(r.brand) AS keys, array_agg(r.lo) AS lo,
          array_agg(r.hi) AS hi
        FROM (SELECT dc.category, dc.brand, min(dc.price) AS lo, max(dc.price) AS hi FROM dc
              WHERE dc.s < 0 GROUP BY dc.category, dc.brand) r) y;
  -- (This statement sees the upserts above and the products as the writing statement left them.)
  IF rb IS NOT NULL THEN
    UPDATE catalog.facet_brands f
      SET min_price = (SELECT min(p.price_cents) FROM catalog.products p WHERE p.brand = f.brand),
        max_price = (SELECT max(p.price_cents) FROM catalog.products p WHERE p.brand = f.brand)
    FROM unnest(rb, rb_lo, rb_hi) AS r(brand, lo, hi)
    WHERE f.brand = r.brand AND (r.lo <= f.min_price OR r.hi >= f.max_price);
  END IF;
  IF rp_cat IS NOT NULL THEN
    UPDATE catalog.facet_pairs f
      SET min_price = (SELECT min(p.price_cents) FROM catalog.products p
          WHERE p.brand = f.brand AND p.categories @> ARRAY[f.category]),
        max_price = (SELECT max(p.price_cents) FROM catalog.products p
          WHERE p.brand = f.brand AND p.categories @> ARRAY[f.category])
    FROM unnest(rp_cat, rp_brand, rp_lo, rp_hi) AS r(category, brand, lo, hi)
    WHERE f.category = r.category AND f.brand = r.brand
      AND (r.lo <= f.min_price OR r.hi >= f.max_price);
  END IF;
END $$;

-- The product versions a statement adds and removes, as far as facets see
-- them: an INSERT adds, a DELETE removes, an UPDATE removes the old version
-- and adds the new one of each product whose brand, categories or price
-- changed (so an unchanged re-import writes nothing).
--
-- The corpus row is locked first, as catalog.track_terms does (this trigger
-- fires before it: triggers fire in name order), so concurrent writers queue
-- there instead of locking facet rows in different orders.
CREATE FUNCTION catalog.track_facets() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s int[];
  brands text[];
  prices int[];
  cats text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(1), array_agg(r.brand), array_agg(r.price_cents), array_agg(r.categories::text)
      INTO s, brands, prices, cats FROM new_rows r;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(-1), array_agg(r.brand), array_agg(r.price_cents), array_agg(r.categories::text)
      INTO s, brands, prices, cats FROM old_rows r;
  ELSE
    WITH changed AS (
      SELECT o.id AS old_id, n.id AS new_id, o.brand AS old_brand, n.brand AS new_brand,
        o.price_cents AS old_price, n.price_cents AS new_price,
        o.categories AS old_cats, n.categories AS new_cats
      FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
      WHERE o.id IS NULL OR n.id IS NULL OR o.brand <> n.brand OR o.price_cents <> n.price_cents
        OR o.categories <> n.categories
    ), d AS (
      SELECT -1 AS s, old_brand AS brand, old_price AS price, old_cats AS cats
      FROM changed WHERE old_id IS NOT NULL
      UNION ALL
      SELECT 1, new_brand, new_price, new_cats FROM changed WHERE new_id IS NOT NULL
    )
    SELECT array_agg(d.s), array_agg(d.brand), array_agg(d.price), array_agg(d.cats::text)
      INTO s, brands, prices, cats FROM d;
  END IF;
  IF s IS NOT NULL THEN
    PERFORM FROM catalog.corpus FOR UPDATE;
    PERFORM catalog.add_facet_changes(s, brands, prices, cats);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER products_facets_ins AFTER INSERT ON catalog.products
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog.track_facets();
CREATE TRIGGER products_facets_upd AFTER UPDATE ON catalog.products
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION catalog.track_facets();
CREATE TRIGGER products_facets_del AFTER DELETE ON catalog.products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog.track_facets();

-- The counts of the products already there (writes wait for the migration).
LOCK TABLE catalog.products IN SHARE MODE;
INSERT INTO catalog.facet_brands (brand, n, min_price, max_price)
  SELECT brand, count(*), min(price_cents), max(price_cents) FROM catalog.products GROUP BY brand;
INSERT INTO catalog.facet_categories (category, n)
  SELECT c, count(*) FROM catalog.products, unnest(categories) AS c GROUP BY c;
INSERT INTO catalog.facet_pairs (category, brand, n, min_price, max_price)
  SELECT c, brand, count(*), min(price_cents), max(price_cents)
  FROM catalog.products, unnest(categories) AS c GROUP BY c, brand;

-- The products of at most one category and any brands, and their price
-- range, from the tables above (keys with no products left have n = 0).
-- (SQL returning a table: inlined into the statement that reads it.)
CREATE FUNCTION catalog.facet_totals(cat text, brands text[])
  RETURNS TABLE (total bigint, lo int, hi int) LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(x.n), 0), min(x.lo), max(x.hi) FROM (
    SELECT f.n, f.min_price AS lo, f.max_price AS hi FROM catalog.facet_brands f
    WHERE cat IS NULL AND (cardinality(brands) = 0 OR f.brand = ANY (brands)) AND f.n > 0
    UNION ALL
    SELECT p.n, p.min_price, p.max_price FROM catalog.facet_pairs p
    WHERE cat IS NOT NULL AND p.category = cat
      AND (cardinality(brands) = 0 OR p.brand = ANY (brands)) AND p.n > 0) x
$$;

-- A browse without words, with at most one category, any brands and no
-- price or stock filter: its total and facets from the tables above (keys
-- with no products left have n = 0 and are skipped). The same answer as
-- counting the products (disjunctive facets: each ignores its own filter),
-- exact at any catalog size.
CREATE FUNCTION catalog.browse_summary(cat text, brands text[]) RETURNS json
  LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  has_brands boolean := cardinality(brands) > 0;
  res json;
BEGIN
  SELECT json_build_object(
    'total', t.total,
    'total_exact', true,
    'corrected_query', NULL,
    'q_or', NULL,
    'category', coalesce((
      SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY n DESC, v) FROM (
        SELECT x.v, x.n FROM (
          SELECT f.category AS v, f.n::bigint AS n FROM catalog.facet_categories f
          WHERE NOT has_brands AND f.n > 0
          UNION ALL
          SELECT p.category, sum(p.n) FROM catalog.facet_pairs p
          WHERE has_brands AND p.brand = ANY (brands) GROUP BY p.category HAVING sum(p.n) > 0) x
        ORDER BY x.n DESC, x.v LIMIT 100) y), '[]'::json),
    'brand', coalesce((
      SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY n DESC, v) FROM (
        SELECT x.v, x.n FROM (
          SELECT f.brand AS v, f.n FROM catalog.facet_brands f
          WHERE cat IS NULL AND f.n > 0 AND f.brand <> ''
          UNION ALL
          SELECT p.brand, p.n FROM catalog.facet_pairs p
          WHERE cat IS NOT NULL AND p.category = cat AND p.n > 0 AND p.brand <> '') x
        ORDER BY x.n DESC, x.v LIMIT 100) y), '[]'::json),
    'price', json_build_object('min', t.lo, 'max', t.hi)
  ) INTO res FROM catalog.facet_totals(cat, brands) t;
  RETURN res;
END $$;

-- The same browse with a price range: the price facet (which ignores the
-- price filter) from the tables above, the rest from the products in the
-- range, found through the price index, when there are at most CAP of them
-- (otherwise null: the caller counts and samples as for any broad request).
-- A price slider over a category page reads the products it shows, not the
-- whole catalog.
CREATE FUNCTION catalog.browse_priced(cat text, brands text[], min_price int, max_price int)
  RETURNS json LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  cap constant int := 10000;
  lo int := coalesce(min_price, 0);
  hi int := coalesce(max_price, 2147483647);
  has_brands boolean := cardinality(brands) > 0;
  res json;
BEGIN
  -- (one read of the range, stopped past CAP)
  WITH r AS MATERIALIZED (
    SELECT p.brand, p.categories, cat IS NULL OR p.categories && ARRAY[cat] AS f_cat,
      NOT has_brands OR p.brand = ANY (brands) AS f_brand
    FROM catalog.products p WHERE p.price_cents BETWEEN lo AND hi LIMIT cap + 1
  )
  SELECT CASE WHEN (SELECT count(*) FROM r) <= cap THEN json_build_object(
    'total', (SELECT count(*) FROM r WHERE r.f_cat AND r.f_brand),
    'total_exact', true,
    'corrected_query', NULL,
    'q_or', NULL,
    'category', coalesce((
      SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY n DESC, v)
      FROM (SELECT c AS v, count(*) AS n
            FROM (SELECT unnest(r.categories) AS c FROM r WHERE r.f_brand) u
            GROUP BY c ORDER BY count(*) DESC, c LIMIT 100) x), '[]'::json),
    'brand', coalesce((
      SELECT json_agg(json_build_object('value', v, 'count', n) ORDER BY n DESC, v)
      FROM (SELECT r.brand AS v, count(*) AS n FROM r WHERE r.f_cat AND r.brand <> ''
            GROUP BY r.brand ORDER BY count(*) DESC, r.brand LIMIT 100) x), '[]'::json),
    'price', (SELECT json_build_object('min', t.lo, 'max', t.hi)
              FROM catalog.facet_totals(cat, brands) t)
  ) END INTO res;
  RETURN res;
END $$;

-- catalog.search keeps its arguments and answer; browses the summary can
-- answer take that path (their page still comes from the sort's index, as
-- every browse's does), everything else the search of 0204, renamed.
ALTER FUNCTION catalog.search(text, text[], text[], int, int, boolean, text, int, bigint, bigint, text)
  RENAME TO search_matches;

-- The typo distance (0201: optimal string alignment, a swap of neighbours
-- is one typo) without its dynamic programme in the common cases: the
-- C levenshtein already tells it when it is 0 or 1, and at 2 the only way to
-- be 1 is a single swap. The programme (in PL/pgSQL, ~0.1 ms a word) now runs
-- only for 3-4 edits; this took a one-word query's analysis from ~0.7 to
-- ~0.4 ms. Equal to the 0201 function on ~35,000 candidate pairs (catalog
-- terms against query words, swapped, doubly swapped and extended ones).
CREATE OR REPLACE FUNCTION catalog.typo_distance(a text, b text, max int) RETURNS int
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  lev int := levenshtein_less_equal(a, b, 2 * max);
  la int := length(a); lb int := length(b);
  prev2 int[]; prev int[]; cur int[];
  i int; j int; cost int; best int; prev_best int := 0;
BEGIN
  -- (OSA distance <= Levenshtein distance, and is 1 only for one edit or one swap.)
  IF lev <= 1 THEN RETURN lev; END IF;
  IF lev = 2 THEN
    -- one swap of neighbours, at the first difference, or two typos
    IF la = lb THEN
      FOR i IN 1..la - 1 LOOP
        IF substr(a, i, 1) <> substr(b, i, 1) THEN
          RETURN CASE WHEN a = overlay(b PLACING substr(b, i + 1, 1) || substr(b, i, 1) FROM i FOR 2)
            THEN 1 ELSE least(2, max + 1) END;
        END IF;
      END LOOP;
    END IF;
    RETURN least(2, max + 1);
  END IF;
  -- 3 or 4 edits: a swap may still bring it within 2 (words of 9 letters or more)
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
    IF best > max AND prev_best + 1 > max THEN RETURN max + 1; END IF;
    prev2 := prev; prev := cur; prev_best := best;
  END LOOP;
  RETURN least(prev[lb], max + 1);
END $$;

-- A page's first key in a column order (ascending: descending orders
-- negated), as catalog.ordered_page (0204) builds it for an index walk.
-- (SQL: inlined where used.)
CREATE FUNCTION catalog.sort_key(sort text, price_cents int, created_at timestamptz,
  popularity int) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT CASE sort WHEN 'price_asc' THEN price_cents::bigint
    WHEN 'price_desc' THEN -price_cents::bigint
    WHEN 'newest' THEN -(extract(epoch FROM created_at) * 1000000)::bigint
    ELSE -popularity::bigint END
$$;

-- The search of 0204 with a cheaper page for relevance: hits within the
-- preselection are ranked as before and the page is taken from those 300;
-- hits past it (key k1 0, after every ranked one) are ordered by the cheap
-- key only for a page that reaches them. Before, every match got both keys
-- and the whole set was sorted for each page (10-15% of a broad query).
-- And words in another order (price, newest, popularity) sort their matches
-- when all of them are in hand (within CAP), as they are for the facets,
-- rather than walking the sort's index over the catalog; above CAP, when the
-- filters' count finds at most CAP, those matches (kept by the count) are
-- sorted, read back by address.
-- Above CAP without filters, the sample is the first matches the count
-- already found (in the same order the sample's own scan had), read back by
-- address, rather than a second search of the index.
-- Answers, cursors and order are unchanged.
CREATE OR REPLACE FUNCTION catalog.search_matches(
  q text, cats text[], brands text[], min_price int, max_price int, stock boolean,
  sort text, lim int, after_k1 bigint, after_k2 bigint, after_id text
) RETURNS json
  LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  cap constant int := 10000;
  -- above CAP, facets and relevance come from a sample of this many matches
  sample constant int := 2000;
  -- relevance scores in full the best this many matches by the cheap key (the rest keep its order)
  preselect constant int := 300;
  total bigint;
  words boolean := coalesce(q, '') <> '';
  a catalog.query_analysis;
  matches bigint;
  -- the full matches found while counting them (within CAP: read again by address, not searched)
  match_tids tid[];
  -- above CAP with filters: the sample, found while counting them
  counted boolean := false;
  sample_tids tid[];
  -- above CAP with filters, in an order other than relevance: every match the count found
  counted_tids tid[];
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
      -- (and the sample with it: the first matches that pass every filter, read back by address;
      -- for a column order, every address it finds: within CAP, the page is those matches
      -- sorted, with no second search of the indexes)
      SELECT m.n, m.tids[1:sample], m.tids INTO total, sample_tids, counted_tids
      FROM catalog.count_matches(a.q_all, cats, brands, min_price, max_price, stock, cap + 1,
        CASE WHEN words AND sort = 'relevance' THEN sample ELSE cap + 1 END) m;
      counted := true;
    ELSE
      total := matches;
      -- Counted above (words): the sample is the first of those matches, read back by address,
      -- not searched for again (for "usb cable" at 1M, a second GIN bitmap of both words).
      IF match_tids IS NOT NULL THEN
        sample_tids := match_tids[1:sample];
        counted := true;
      END IF;
    END IF;
  END IF;
  -- Relevance with words ranks the candidates (a sample above CAP). Other orders of words sort
  -- the matches when they are all in hand (within CAP); above CAP, and for a browse, the page
  -- comes from the sort's index over every match (catalog.ordered_page).
  ordered := NOT words OR sort <> 'relevance' AND big;

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
  -- the cheap key every hit is preselected by (and ordered by past the preselection)
  cheap AS (
    SELECT f.id, -((f.full_match::int * 2 + f.in_name::int)::bigint * 100000000000
          + (32767 - f.name_words)::bigint * 1000000 + least(f.popularity, 999999)) AS k2
    FROM filtered f WHERE NOT ordered AND sort = 'relevance'
  ),
  pre AS MATERIALIZED (
    SELECT c.id, c.k2 FROM cheap c ORDER BY c.k2, c.id COLLATE "C" LIMIT preselect
  ),
  ranked AS (
    SELECT p.id,
      -(r.matched * 10000 + (99 - r.typos) * 100 + (99 - r.prefixes))::bigint AS k1,
      -(round((r.bm25 + CASE WHEN a.n_words > 1 AND p.search_doc @@ a.q_phrase
        THEN 0.5 * a.idf_sum ELSE 0 END) * 10000)::bigint * 1000000
        + least(p.popularity, 999999)) AS k2
    FROM pre
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
          3 * (p.search_doc @@ u.qn)::int / (0.25 + 0.75::float8 * p.name_words / a.avg_name)
            + 2 * (p.search_doc @@ u.qb)::int
            + (p.search_doc @@ u.qd)::int / (0.25 + 0.75::float8 * p.description_words / a.avg_description)
            AS f
        FROM per_word u) m
    ) r
  ),
  page_ranked AS MATERIALIZED (
    SELECT r.* FROM ranked r
    WHERE after_k1 IS NULL
       OR (r.k1, r.k2, r.id COLLATE "C") > (after_k1, after_k2, after_id COLLATE "C")
    ORDER BY r.k1, r.k2, r.id COLLATE "C"
    LIMIT lim + 1
  ),
  -- words in another order, every match in hand: its keys as catalog.ordered_page's
  by_sort AS (
    SELECT f.id, catalog.sort_key(sort, f.price_cents, f.created_at, f.popularity) AS k1
    FROM filtered f WHERE NOT ordered AND sort <> 'relevance'
  ),
  -- hits past the preselection (k1 0: after every ranked one), only for a page that needs them
  pg AS (
    SELECT * FROM page_ranked
    UNION ALL
    (SELECT c.id, 0::bigint, c.k2 FROM cheap c
     WHERE (SELECT count(*) FROM page_ranked) <= lim AND (SELECT count(*) FROM pre) = preselect
       AND NOT EXISTS (SELECT FROM pre WHERE pre.id = c.id)
       AND (after_k1 IS NULL
         OR (0::bigint, c.k2, c.id COLLATE "C") > (after_k1, after_k2, after_id COLLATE "C"))
     ORDER BY c.k2, c.id COLLATE "C"
     LIMIT lim + 1)
    UNION ALL
    (SELECT b.id, b.k1, 0::bigint FROM by_sort b
     WHERE after_k1 IS NULL OR (b.k1, b.id COLLATE "C") > (after_k1, after_id COLLATE "C")
     ORDER BY b.k1, b.id COLLATE "C"
     LIMIT lim + 1)
  )
  SELECT json_build_object(
    'total', CASE WHEN big THEN total ELSE (SELECT count(*) FROM filtered) END,
    'total_exact', NOT big OR NOT words AND total = matches OR total <= cap,
    'corrected_query', a.corrected_query,
    'q_or', a.q_or::text,
    'page', coalesce((
      SELECT json_agg(json_build_object('id', x.id, 'k1', x.k1, 'k2', x.k2)
        ORDER BY x.k1, x.k2, x.id COLLATE "C")
      FROM (SELECT * FROM pg ORDER BY pg.k1, pg.k2, pg.id COLLATE "C" LIMIT lim + 1) x), '[]'::json),
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

  IF ordered AND counted AND total <= cap THEN
    -- Every match is in counted_tids: sort them (keys as ordered_page's). An index walk in sort
    -- order could pass most of the catalog first, as price_desc does for cheap words.
    SELECT json_agg(json_build_object('id', x.id, 'k1', x.k1, 'k2', 0) ORDER BY x.k1, x.id COLLATE "C")
      INTO page
    FROM (SELECT k.id, k.k1 FROM (
            SELECT p.id, catalog.sort_key(sort, p.price_cents, p.created_at, p.popularity) AS k1
            FROM catalog.products p WHERE p.ctid = ANY (counted_tids)) k
          WHERE after_k1 IS NULL OR (k.k1, k.id COLLATE "C") > (after_k1, after_id COLLATE "C")
          ORDER BY k.k1, k.id COLLATE "C" LIMIT lim + 1) x;
  ELSIF ordered THEN
    page := catalog.ordered_page(a.q_all, cats, brands, min_price, max_price, stock, sort, lim,
      after_k1, after_id);
  END IF;
  IF ordered THEN
    res := (res::jsonb || jsonb_build_object('page', coalesce(page, '[]'::json)))::json;
  END IF;
  RETURN res;
END $$;

-- (work_mem 16 MB for every statement of a search: with the default 4 MB,
-- the bitmap of a big brand (150,000 products at 1M) turns lossy, and
-- "toner" AND "HP" read 23,000 table pages to find 8,000 matches instead of
-- 7,700: three times the work.)
CREATE FUNCTION catalog.search(
  q text, cats text[], brands text[], min_price int, max_price int, stock boolean,
  sort text, lim int, after_k1 bigint, after_k2 bigint, after_id text
) RETURNS json LANGUAGE plpgsql STABLE SET work_mem = '16MB' AS $$
DECLARE
  res json;
BEGIN
  IF coalesce(q, '') = '' AND cardinality(cats) <= 1 AND stock IS NULL THEN
    res := CASE WHEN min_price IS NULL AND max_price IS NULL
      THEN catalog.browse_summary(cats[1], brands)
      ELSE catalog.browse_priced(cats[1], brands, min_price, max_price) END;
    IF res IS NOT NULL THEN
      RETURN (res::jsonb || jsonb_build_object('page', coalesce(
        catalog.ordered_page(NULL, cats, brands, min_price, max_price, NULL, sort, lim, after_k1,
          after_id), '[]'::json)))::json;
    END IF;
  END IF;
  RETURN catalog.search_matches(q, cats, brands, min_price, max_price, stock, sort, lim, after_k1,
    after_k2, after_id);
END $$;

-- The API's product object, defined once: every statement of the search
-- function renders products with it (functions/search/product_sql.ts), so a
-- product reads the same from search as from GET /search/products/:id.
-- Nulls are stripped (image_url, rating); in_stock is a stock_levels row
-- with available > 0; timestamps are RFC 3339 UTC with milliseconds, as
-- shared/timestamps.ts formats them. (SQL and STABLE: inlined where used.)
CREATE FUNCTION catalog.product_json(
  id text, name text, description text, brand text, categories text[], price_cents int,
  currency text, image_url text, rating numeric, popularity int, available int,
  created_at timestamptz, updated_at timestamptz
) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
    'id', id, 'name', name, 'description', description, 'brand', brand,
    'categories', categories, 'price_cents', price_cents, 'currency', currency,
    'image_url', image_url, 'rating', rating, 'popularity', popularity,
    'in_stock', available IS NOT NULL AND available > 0,
    'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
$$;

-- One search and its page's products: {result: catalog.search's answer,
-- hits: [{product, keys: [k1, k2, id]}] in page order}. The function sends
-- only a call to this, so the one statement it plans per request is trivial;
-- the render's plan is cached here (planning it per request was ~0.25 ms).
CREATE FUNCTION catalog.search_page(
  q text, cats text[], brands text[], min_price int, max_price int, stock boolean,
  sort text, lim int, after_k1 bigint, after_k2 bigint, after_id text
) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
  res json;
  hits json;
BEGIN
  res := catalog.search(q, cats, brands, min_price, max_price, stock, sort, lim, after_k1, after_k2,
    after_id);
  SELECT json_agg(json_build_object(
      'product', catalog.product_json(p.id, p.name, p.description, p.brand, p.categories,
        p.price_cents, p.currency, p.image_url, p.rating, p.popularity, s.available, p.created_at,
        p.updated_at),
      'keys', json_build_array(pg.k1, pg.k2, pg.id)) ORDER BY pg.ord)
    INTO hits
  FROM ROWS FROM (json_to_recordset(res->'page') AS (id text, k1 bigint, k2 bigint))
    WITH ORDINALITY AS pg(id, k1, k2, ord)
  JOIN catalog.products p ON p.id = pg.id
  LEFT JOIN checkout.stock_levels s ON s.product_id = p.id;
  RETURN json_build_object('result', res, 'hits', coalesce(hits, '[]'::json));
END $$;
