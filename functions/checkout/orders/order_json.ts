import { timestampSql } from "../../../shared/timestamps.ts";
import type { z } from "@hono/zod-openapi";
import type { orderSchema } from "./orders_schemas.ts";

/**
 * The one rendering of docs/api.md's `order`, in SQL, used by every read and by
 * the idempotency key's stored response, so a replay and a GET can never
 * disagree. `o` must be a `checkout.orders` row in scope.
 */
export const ORDER_JSON = `jsonb_build_object(
  'id', o.id,
  'status', o.status,
  'items', (
    SELECT COALESCE(jsonb_agg(jsonb_build_object(
      'product_id', oi.product_id, 'name', oi.name, 'unit_price_cents', oi.unit_price_cents,
      'quantity', oi.quantity, 'line_total_cents', oi.line_total_cents) ORDER BY oi.product_id), '[]'::jsonb)
    FROM checkout.order_items oi WHERE oi.order_id = o.id),
  'subtotal_cents', o.subtotal_cents,
  'total_cents', o.total_cents,
  'currency', o.currency,
  'shipping_address', o.shipping_address,
  'payment', jsonb_strip_nulls(jsonb_build_object(
    'method', o.payment_method, 'status', o.payment_status, 'decline_code', o.decline_code)),
  'created_at', ${timestampSql("o.created_at")},
  'updated_at', ${timestampSql("o.updated_at")})`;

/** docs/api.md `order` as the SQL above renders it. */
export type Order = z.infer<typeof orderSchema>;
