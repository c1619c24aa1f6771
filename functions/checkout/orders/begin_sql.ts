import type { Sql } from "../../../shared/db.ts";
import type { CartLine } from "../cart/store.ts";
import { type Order, ORDER_JSON } from "./order_json.ts";

export interface BeginInput {
  userId: string;
  key: string;
  fingerprint: string;
  /** This request's lease token: later statements act only while the key row carries it. */
  lockToken: string;
  leaseSeconds: number;
  orderId: string;
  lines: CartLine[];
  paymentMethod: string;
  shippingAddress: Record<string, unknown>;
}

/** A cart line as phase 1 saw it, priced and with stock before any reservation. */
export interface SeenLine {
  product_id: string;
  requested: number;
  available: number;
}

/** The key row after phase 1, with its order when one exists. */
export interface KeyState {
  recovery_point: "started" | "order_created" | "finished";
  same_body: boolean;
  mine: boolean;
  order_id: string | null;
  response_status: number | null;
  response_body: Record<string, unknown> | null;
  order: Order | null;
}

export interface BeginResult {
  key: KeyState;
  /** Lines that still exist in the catalog (empty: nothing to order). */
  lines: SeenLine[];
  /** True when this run reserved stock and wrote the order. */
  created: boolean;
}

const OWNED_FRESH = `EXISTS (SELECT 1 FROM checkout.idempotency_keys
  WHERE user_id = $1 AND idempotency_key = $2 AND lock_token = $3 AND recovery_point = 'started')`;

/**
 * Atomic phase 1, ONE transaction batch (one round trip): claim the
 * idempotency key (or find who holds it), price the cart from the catalog,
 * lock the products' inventory rows in id order (so concurrent orders never
 * deadlock), reserve every line or none, write the pending order and its
 * lines, and move the key to `order_created`. Every write is conditional on
 * this request holding a fresh key, so a replay, a concurrent duplicate or a
 * resumed key runs the same batch harmlessly and reads where things stand.
 */
export async function beginOrder(sql: Sql, input: BeginInput): Promise<BeginResult> {
  const { userId, key, lockToken } = input;
  const linesJson = JSON.stringify(input.lines);
  const results = await sql.transaction([
    // Claim: insert, or take over an unfinished key whose lease ran out and
    // whose body matches. The conflicting row stays locked until commit, so
    // concurrent requests with one key queue here and then see the outcome.
    sql.query(
      `INSERT INTO checkout.idempotency_keys AS k
         (user_id, idempotency_key, fingerprint, lock_token, locked_until)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
       ON CONFLICT (user_id, idempotency_key) DO UPDATE
         SET lock_token = EXCLUDED.lock_token, locked_until = EXCLUDED.locked_until, last_run_at = now()
         WHERE k.fingerprint = EXCLUDED.fingerprint AND k.recovery_point <> 'finished'
           AND (k.locked_until IS NULL OR k.locked_until < now())`,
      [userId, key, input.fingerprint, lockToken, input.leaseSeconds],
    ),
    sql.query(
      `SELECT i.product_id FROM checkout.inventory i
       WHERE i.product_id IN (SELECT product_id FROM jsonb_to_recordset($4::jsonb) AS l(product_id text, quantity int))
         AND ${OWNED_FRESH}
       ORDER BY i.product_id FOR UPDATE`,
      [userId, key, lockToken, linesJson],
    ),
    // With the rows locked, this statement's snapshot holds their latest
    // stock, so the verdict is exact: every line fits, or nothing is written.
    sql.query(
      `WITH owned AS (SELECT ${OWNED_FRESH} AS ok),
       lines AS (
         SELECT l.product_id, l.quantity, p.name, p.price_cents,
                COALESCE(i.on_hand - i.reserved, 0) AS available
         FROM jsonb_to_recordset($4::jsonb) AS l(product_id text, quantity int)
         JOIN catalog.product_prices p ON p.id = l.product_id
         LEFT JOIN checkout.inventory i ON i.product_id = l.product_id),
       verdict AS (
         SELECT (SELECT ok FROM owned) AND count(*) > 0
                AND COALESCE(bool_and(available >= quantity), false) AS go
         FROM lines),
       reserved AS (
         UPDATE checkout.inventory i SET reserved = i.reserved + l.quantity, updated_at = now()
         FROM lines l, verdict v
         WHERE v.go AND i.product_id = l.product_id AND i.on_hand - i.reserved >= l.quantity
         RETURNING i.product_id),
       new_order AS (
         INSERT INTO checkout.orders (id, user_id, subtotal_cents, total_cents, shipping_address, payment_method)
         SELECT $5::uuid, $1, s.total, s.total, $7::jsonb, $6
         FROM (SELECT sum(price_cents * quantity)::int AS total FROM lines) s, verdict v
         WHERE v.go
         RETURNING id),
       new_items AS (
         INSERT INTO checkout.order_items (order_id, product_id, name, unit_price_cents, quantity, line_total_cents)
         SELECT $5::uuid, l.product_id, l.name, l.price_cents, l.quantity, l.price_cents * l.quantity
         FROM lines l, verdict v WHERE v.go),
       advanced AS (
         -- A partial reservation cannot happen with the rows locked; if it
         -- ever did, the NULL recovery point fails the whole transaction
         -- rather than commit an order whose stock is not held.
         UPDATE checkout.idempotency_keys SET order_id = (SELECT id FROM new_order),
           recovery_point = CASE WHEN (SELECT count(*) FROM reserved) = (SELECT count(*) FROM lines)
                                 THEN 'order_created' END
         WHERE user_id = $1 AND idempotency_key = $2 AND lock_token = $3 AND (SELECT go FROM verdict))
       SELECT (SELECT go FROM verdict) AS created,
         COALESCE((SELECT jsonb_agg(jsonb_build_object('product_id', product_id, 'requested', quantity,
           'available', GREATEST(available, 0)) ORDER BY product_id) FROM lines), '[]'::jsonb) AS lines`,
      [
        userId,
        key,
        lockToken,
        linesJson,
        input.orderId,
        input.paymentMethod,
        JSON.stringify(input.shippingAddress),
      ],
    ),
    sql.query(
      `SELECT k.recovery_point, k.fingerprint = $3 AS same_body, k.lock_token IS NOT DISTINCT FROM $4::uuid AS mine,
              k.order_id, k.response_status, k.response_body,
              CASE WHEN o.id IS NOT NULL THEN ${ORDER_JSON} END AS "order"
       FROM checkout.idempotency_keys k LEFT JOIN checkout.orders o ON o.id = k.order_id
       WHERE k.user_id = $1 AND k.idempotency_key = $2`,
      [userId, key, input.fingerprint, lockToken],
    ),
  ], { isolationLevel: "ReadCommitted" }) as unknown as [
    unknown,
    unknown,
    { created: boolean; lines: SeenLine[] }[],
    KeyState[],
  ];
  const [, , [phase], [state]] = results;
  return { key: state, lines: phase.lines, created: phase.created };
}
