-- Orders, their lines and the idempotency keys of POST /checkout/orders,
-- owned by the checkout service (role edgeshop_checkout, DML only).

CREATE TABLE checkout.orders (
  id uuid PRIMARY KEY,
  -- Keyset pagination (newest first) needs a strictly increasing, unique key.
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id text NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'paid', 'payment_failed', 'canceled')),
  subtotal_cents integer NOT NULL CHECK (subtotal_cents >= 0),
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  currency text NOT NULL DEFAULT 'USD' CHECK (currency = 'USD'),
  shipping_address jsonb NOT NULL,
  payment_method text NOT NULL,
  payment_status text NOT NULL DEFAULT 'pending'
    CHECK (payment_status IN ('pending', 'succeeded', 'failed', 'canceled', 'refunded')),
  decline_code text,
  charge_id text,
  refund_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_user_seq ON checkout.orders (user_id, seq DESC);
-- The sweep looks for pending orders only; keep that scan small.
CREATE INDEX orders_pending ON checkout.orders (created_at) WHERE status = 'pending';

-- Lines are rows (not a JSON column) so stock can be reserved, committed and
-- released with set-based UPDATE ... FROM order_items.
CREATE TABLE checkout.order_items (
  order_id uuid NOT NULL REFERENCES checkout.orders (id) ON DELETE CASCADE,
  product_id text NOT NULL,
  name text NOT NULL,
  unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  line_total_cents integer NOT NULL CHECK (line_total_cents >= 0),
  PRIMARY KEY (order_id, product_id)
);

-- pending → paid → canceled, or pending → payment_failed; nothing else, and
-- every order starts pending. Enforced here so no code path can skip it.
CREATE FUNCTION checkout.orders_status_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'pending' THEN
      RAISE EXCEPTION 'Cannot create order %: status must start as pending, not %', NEW.id, NEW.status
        USING ERRCODE = 'check_violation';
    END IF;
  ELSIF NEW.status IS DISTINCT FROM OLD.status AND NOT (
    (OLD.status = 'pending' AND NEW.status IN ('paid', 'payment_failed'))
    OR (OLD.status = 'paid' AND NEW.status = 'canceled')
  ) THEN
    RAISE EXCEPTION 'Cannot move order % from % to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER orders_status_guard BEFORE INSERT OR UPDATE OF status ON checkout.orders
  FOR EACH ROW EXECUTE FUNCTION checkout.orders_status_guard();

-- One row per (user, Idempotency-Key), after Brandur Leach's design: the
-- request fingerprint, a lease (lock_token + locked_until) held by the
-- request working on it, the recovery point reached, and once finished the
-- exact response to replay.
CREATE TABLE checkout.idempotency_keys (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL,
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  fingerprint text NOT NULL,
  recovery_point text NOT NULL DEFAULT 'started'
    CHECK (recovery_point IN ('started', 'order_created', 'finished')),
  lock_token uuid,
  locked_until timestamptz,
  order_id uuid REFERENCES checkout.orders (id),
  response_status integer,
  response_body jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_run_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, idempotency_key),
  CONSTRAINT idempotency_keys_finished_has_response
    CHECK ((recovery_point = 'finished') = (response_status IS NOT NULL))
);
CREATE INDEX idempotency_keys_created ON checkout.idempotency_keys (created_at);
CREATE INDEX idempotency_keys_order ON checkout.idempotency_keys (order_id);

-- The test payment provider's ledger (the stand-in for Stripe's side, used
-- when PAYMENT_PROVIDER=test). Keyed by the provider idempotency key so a
-- retried charge returns the original charge, as Stripe does.
CREATE TABLE checkout.test_provider_charges (
  idempotency_key text PRIMARY KEY,
  id text NOT NULL UNIQUE,
  order_id text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents >= 0),
  currency text NOT NULL,
  payment_method text NOT NULL,
  status text NOT NULL CHECK (status IN ('succeeded', 'failed')),
  decline_code text,
  refund_id text,
  refunded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX test_provider_charges_order ON checkout.test_provider_charges (order_id);
