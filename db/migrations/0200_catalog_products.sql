-- The catalog, owned by the search service (role edgeshop_search).
-- Search columns and indexes come in later catalog migrations.
CREATE TABLE catalog.products (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
  description text NOT NULL DEFAULT '',
  brand text NOT NULL DEFAULT '',
  categories text[] NOT NULL DEFAULT '{}',
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  currency text NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
  image_url text,
  rating numeric(2, 1) CHECK (rating BETWEEN 0 AND 5),
  popularity integer NOT NULL DEFAULT 0 CHECK (popularity >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- What checkout may read of the catalog: the price and name at this moment.
CREATE VIEW catalog.product_prices AS
  SELECT id, name, price_cents, currency FROM catalog.products;
GRANT USAGE ON SCHEMA catalog TO edgeshop_checkout;
GRANT SELECT ON catalog.product_prices TO edgeshop_checkout;
