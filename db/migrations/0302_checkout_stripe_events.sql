-- Stripe webhook events checkout has applied (POST /checkout/webhooks/stripe).
-- Stripe delivers an event at least once and may retry it for days; an event
-- id found here is acknowledged without being applied again.
CREATE TABLE checkout.stripe_events (
  id text PRIMARY KEY,
  type text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- charge.refunded names the PaymentIntent, which orders keep as charge_id.
CREATE INDEX orders_charge ON checkout.orders (charge_id) WHERE charge_id IS NOT NULL;
