-- Inventory, owned by the checkout service (role edgeshop_checkout).
-- available = on_hand - reserved can never go negative: the constraints
-- below make an oversell a failed statement rather than a bad row.
CREATE TABLE checkout.inventory (
  product_id text PRIMARY KEY,
  on_hand integer NOT NULL CHECK (on_hand >= 0),
  reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT inventory_reserved_within_on_hand CHECK (reserved <= on_hand)
);

-- What search may read of checkout: whether a product can be bought.
CREATE VIEW checkout.stock_levels AS
  SELECT product_id, on_hand - reserved AS available FROM checkout.inventory;
GRANT USAGE ON SCHEMA checkout TO edgeshop_search;
GRANT SELECT ON checkout.stock_levels TO edgeshop_search;
