import { ApiError, problemBody } from "../../../shared/errors.ts";
import type { SeenLine } from "./begin_sql.ts";
import type { StoredResponse } from "./finish_sql.ts";

/**
 * The error answers of POST /checkout/orders that are stored on the key and
 * replayed (Stripe stores results once the endpoint started executing). The
 * errors about the key itself (in use, reused) and validation are not.
 */
const stored = (err: ApiError, path: string): StoredResponse => ({
  status: err.status,
  body: problemBody(err, path),
});

export const cartEmpty = (path: string) =>
  stored(new ApiError(422, "cart_empty", "Cannot place an order: the cart is empty"), path);

/** Every short line, not just the first, so the client can fix the cart in one go. */
export function insufficientStock(path: string, lines: SeenLine[]): StoredResponse {
  const items = lines.filter((l) => l.available < l.requested)
    .map(({ product_id, requested, available }) => ({ product_id, requested, available }));
  const detail = `Cannot place an order: ${items.length} item(s) are short of stock`;
  return stored(new ApiError(409, "insufficient_stock", detail, { items }), path);
}

export function paymentDeclined(
  path: string,
  orderId: string,
  declineCode: string,
): StoredResponse {
  return stored(
    new ApiError(
      402,
      "payment_declined",
      `Cannot take the payment: the card was declined (${declineCode})`,
      {
        decline_code: declineCode,
        order_id: orderId,
      },
    ),
    path,
  );
}

/** What a retry gets after the sweep gave up on an order whose request never came back. */
export function orderAbandoned(path: string, orderId: string): StoredResponse {
  return stored(
    new ApiError(
      409,
      "order_abandoned",
      "Cannot complete the order: it was abandoned before payment and its stock was released",
      { order_id: orderId },
    ),
    path,
  );
}
