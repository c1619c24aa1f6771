/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** An order's page and the order lists (a shopper's history, the admin's all orders). */
import type { components } from "./api/checkout.ts";
import { CARDS } from "./checkout_view.tsx";
import { Alert, money, PostButton } from "./layout.tsx";
import { declineMessage } from "./problems.ts";

type Order = components["schemas"]["Order"];

const STATUS: Record<Order["status"], string> = {
  pending: "Pending",
  paid: "Paid",
  payment_failed: "Payment failed",
  canceled: "Canceled",
};

const shortId = (id: string) => id.slice(0, 8).toUpperCase();
const date = (iso: string) => new Date(iso).toUTCString().replace(/:\d\d GMT$/, " UTC");
const card = (method: string) => CARDS.find(([id]) => id === method)?.[1] ?? method;

export function OrderPage(props: { order: Order; placed: boolean; error?: string }) {
  const o = props.order;
  const a = o.shipping_address;
  return (
    <article>
      <h1>Order {shortId(o.id)}</h1>
      {props.placed && o.status === "paid"
        ? <p class="notice" role="status">Thank you! Your order is placed and paid.</p>
        : null}
      {props.error ? <Alert>{props.error}</Alert> : null}
      <p>
        Status: <span class={`status ${o.status}`}>{STATUS[o.status]}</span>
      </p>
      {o.status === "payment_failed"
        ? <Alert>{declineMessage(o.payment.decline_code)}</Alert>
        : null}
      <p class="muted">Placed {date(o.created_at)} · paid with {card(o.payment.method)}</p>
      <table>
        <caption class="sr-only">Products in this order</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {o.items.map((i) => (
            <tr>
              <td>
                <a href={`/products/${encodeURIComponent(i.product_id)}`}>{i.name}</a>
              </td>
              <td>{i.quantity}</td>
              <td>{money(i.line_total_cents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Total: <strong>{money(o.total_cents)}</strong>
      </p>
      <p>Ships to {a.name}, {a.line1}, {a.postal_code} {a.city}, {a.country}</p>
      {o.status === "paid"
        ? <PostButton action={`/orders/${o.id}/cancel`} label="Cancel order" class="secondary" />
        : null}
      <p>
        <a href="/orders">Order history</a>
      </p>
    </article>
  );
}

export function OrderList(
  props: { title: string; orders: Order[]; next: string | null; base: string },
) {
  return (
    <>
      <h1>{props.title}</h1>
      {props.orders.length === 0 ? <p>No orders yet.</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {props.orders.map((o) => (
              <tr>
                <td>
                  <a href={`/orders/${o.id}`}>Order {shortId(o.id)}</a>
                </td>
                <td>{date(o.created_at)}</td>
                <td>
                  <span class={`status ${o.status}`}>{STATUS[o.status]}</span>
                </td>
                <td>{money(o.total_cents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.next
        ? (
          <p class="pager">
            <a href={`${props.base}?cursor=${encodeURIComponent(props.next)}`}>Next page</a>
          </p>
        )
        : null}
    </>
  );
}
