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
