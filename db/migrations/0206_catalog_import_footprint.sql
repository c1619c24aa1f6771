-- Import rate at a million products (issue 10: >= 10k products/s). Less
-- work per written product, with the same documents, counts and statistics.
-- Nothing here rewrites the table: on a catalog of any size it is a catalog
-- change under a brief ACCESS EXCLUSIVE lock.

-- No statement filters or sorts on catalog.fold(name): suggestions find names
-- through search_doc (the GIN index) and fold a name only to rank the ones
-- that start with the typed text first (functions/search/suggest_service.ts),
-- so no plan uses this index. It cost every write an unaccent() call and an
-- insert at a random place in the largest btree of the table (111 MB at a
-- million products, most of shared_buffers on a small server): a page read
-- and a dirty page written back per product once the catalog outgrows memory.
DROP INDEX catalog.products_name_folded_idx;

-- The document and the field lengths, computed once per write. As generated
-- columns each is its own expression, and one generated column cannot read
-- another: name_words and description_words parsed the name and the
-- description a second time (two of the five to_tsvector calls per row), and
-- an upsert of an existing product computed all five twice (for the proposed
-- row, then for the updated one). A BEFORE trigger parses each field once,
-- builds the document exactly as catalog.search_doc does (0201) and takes the
-- lengths from the same parses, so values stay identical to the generated
-- ones. An UPDATE that changes none of the fields keeps the stored values
-- (re-importing an unchanged catalog parses nothing); one that sets a derived
-- column by hand gets it recomputed, so `UPDATE catalog.products SET
-- search_doc = NULL` rebuilds every document after a change to catalog.folded.
--
-- DROP EXPRESSION keeps the stored values and turns the columns into plain
-- ones without a rewrite (PostgreSQL 13+), unlike DROP/ADD COLUMN, which
-- would rewrite the table and rebuild every index (minutes at a million
-- products, with writes blocked).
ALTER TABLE catalog.products
  ALTER COLUMN search_doc DROP EXPRESSION,
  ALTER COLUMN name_words DROP EXPRESSION,
  ALTER COLUMN description_words DROP EXPRESSION;

CREATE FUNCTION catalog.derive_docs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  name_doc tsvector;
  description_doc tsvector;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.name = OLD.name AND NEW.brand = OLD.brand
     AND NEW.categories = OLD.categories AND NEW.description = OLD.description
     AND NEW.search_doc IS NOT DISTINCT FROM OLD.search_doc
     AND NEW.name_words IS NOT DISTINCT FROM OLD.name_words
     AND NEW.description_words IS NOT DISTINCT FROM OLD.description_words THEN
    RETURN NEW;
  END IF;
  -- (coalesce as catalog.search_doc has it; NOT NULL rejects a null field afterwards)
  name_doc := to_tsvector('catalog.folded'::regconfig, coalesce(NEW.name, ''));
  description_doc := to_tsvector('catalog.folded'::regconfig, coalesce(NEW.description, ''));
  NEW.search_doc := setweight(name_doc, 'A')
    || setweight(to_tsvector('catalog.folded'::regconfig,
         coalesce(NEW.brand, '') || ' ' || coalesce(array_to_string(NEW.categories, ' '), '')), 'B')
    || setweight(description_doc, 'C');
  NEW.name_words := length(name_doc);
  NEW.description_words := length(description_doc);
  RETURN NEW;
END $$;

CREATE TRIGGER products_derive_docs BEFORE INSERT OR UPDATE ON catalog.products
  FOR EACH ROW EXECUTE FUNCTION catalog.derive_docs();
