-- Facet counts kept by the writes (issue 10, scale): a browse without words
-- (a category page, a brand page, the whole catalog) answers its total and
-- facets from these tables, exactly and in constant time, instead of
-- aggregating every product it shows (all 10,000 at 10,000 products; a
-- sample of 2,000 above that).
--
-- Products per brand, per category, and per (category, brand) pair, with the
-- lowest and highest price of each. That is enough for every browse with at
-- most one category and any brands (catalog.browse_summary below); anything
-- else (words, two categories, a price or stock filter) is counted from the
-- products as before. A product has one brand ('' for none) and distinct
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
  WITH totals AS (
    SELECT coalesce(sum(x.n), 0) AS total, min(x.lo) AS lo, max(x.hi) AS hi FROM (
      SELECT f.n, f.min_price AS lo, f.max_price AS hi FROM catalog.facet_brands f
      WHERE cat IS NULL AND (NOT has_brands OR f.brand = ANY (brands)) AND f.n > 0
      UNION ALL
      SELECT p.n, p.min_price, p.max_price FROM catalog.facet_pairs p
      WHERE cat IS NOT NULL AND p.category = cat AND (NOT has_brands OR p.brand = ANY (brands))
        AND p.n > 0) x
  )
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
  ) INTO res FROM totals t;
  RETURN res;
END $$;

-- catalog.search keeps its arguments and answer; browses the summary can
-- answer take that path (their page still comes from the sort's index, as
-- every browse's does), everything else the search of 0204, renamed.
ALTER FUNCTION catalog.search(text, text[], text[], int, int, boolean, text, int, bigint, bigint, text)
  RENAME TO search_matches;

CREATE FUNCTION catalog.search(
  q text, cats text[], brands text[], min_price int, max_price int, stock boolean,
  sort text, lim int, after_k1 bigint, after_k2 bigint, after_id text
) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF coalesce(q, '') = '' AND cardinality(cats) <= 1 AND min_price IS NULL AND max_price IS NULL
     AND stock IS NULL THEN
    RETURN (catalog.browse_summary(cats[1], brands)::jsonb || jsonb_build_object('page', coalesce(
      catalog.ordered_page(NULL, cats, brands, NULL, NULL, NULL, sort, lim, after_k1, after_id),
      '[]'::json)))::json;
  END IF;
  RETURN catalog.search_matches(q, cats, brands, min_price, max_price, stock, sort, lim, after_k1,
    after_k2, after_id);
END $$;
