/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** The cart page and its forms (add, change quantity, remove), POST-redirect-GET. */
import { Hono } from "hono";
import { CART_ERRORS, type CartError, loadCart, setQuantity } from "./cart.ts";
import type { Ctx, StorefrontEnv } from "./deps.ts";
import { Alert, money } from "./layout.tsx";
import { stockMessage } from "./problems.ts";

const quantityOf = (v: unknown, fallback: number) => {
  const n = Number(typeof v === "string" ? v : NaN);
  return Number.isInteger(n) && n >= 0 && n <= 99 ? n : fallback;
};

/** Where to send the shopper back to after a cart form, with what went wrong. */
function back(c: Ctx, to: string, error?: CartError, line?: string) {
  const u = new URLSearchParams();
  if (error) u.set("error", error);
  if (line) u.set("line", line);
  return c.redirect(`${to}${u.size ? `${to.includes("?") ? "&" : "?"}${u}` : ""}`, 303);
}

/** The cart pages' router. */
export function cartRoutes() {
  const router = new Hono<StorefrontEnv>();
  router.post("/cart/items", async (c) => {
    const form = await c.req.parseBody();
    const id = String(form.product_id ?? "");
    const quantity = quantityOf(form.quantity, -1);
    const product = `/products/${encodeURIComponent(id)}`;
    if (!id) return back(c, "/cart");
    if (quantity < 1) return back(c, product, "quantity");
    const change = await setQuantity(c, id, quantity, true);
    return change.ok ? c.redirect(`${product}?added`, 303) : back(c, product, change.error);
  });
  router.post("/cart/items/:id", async (c) => {
    const form = await c.req.parseBody();
    const id = c.req.param("id");
    const quantity = form.remove !== undefined ? 0 : quantityOf(form.quantity, -1);
    if (quantity < 0) return back(c, "/cart", "quantity", id);
    const change = await setQuantity(c, id, quantity);
    return change.ok ? back(c, "/cart") : back(c, "/cart", change.error, id);
  });
  router.get("/cart", async (c) => {
    const cart = await loadCart(c);
    const error = CART_ERRORS[c.req.query("error") as CartError];
    const errorLine = c.req.query("line");
    return c.render(
      <>
        <h1>Your cart</h1>
        {error && !errorLine ? <Alert>{error}</Alert> : null}
        {cart.items.length === 0
          ? (
            <p>
              Your cart is empty. <a href="/products">Browse products</a>
            </p>
          )
          : (
            <>
              <table>
                <caption class="sr-only">Products in your cart</caption>
                <thead>
                  <tr>
                    <th scope="col">Product</th>
                    <th scope="col">Price</th>
                    <th scope="col">Quantity</th>
                    <th scope="col">Total</th>
                    <th scope="col">
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {cart.items.map((line, i) => {
                    const short = line.available !== null && line.quantity > line.available;
                    return (
                      <tr>
                        <td>
                          <a href={`/products/${encodeURIComponent(line.product_id)}`}>
                            {line.name}
                          </a>
                          {short
                            ? (
                              <Alert>
                                {stockMessage(line.name, line.quantity, line.available ?? 0)}
                              </Alert>
                            )
                            : null}
                          {errorLine === line.product_id && error ? <Alert>{error}</Alert> : null}
                        </td>
                        <td>{money(line.unit_price_cents)}</td>
                        <td>
                          <form
                            method="post"
                            action={`/cart/items/${encodeURIComponent(line.product_id)}`}
                            class="inline"
                            data-autosubmit=""
                          >
                            <label class="sr-only" for={`qty-${i}`}>Quantity</label>
                            <input
                              id={`qty-${i}`}
                              type="number"
                              name="quantity"
                              min="0"
                              max="99"
                              value={String(line.quantity)}
                            />
                            <button type="submit" class="secondary">Update</button>
                          </form>
                        </td>
                        <td>{money(line.line_total_cents)}</td>
                        <td>
                          <form
                            method="post"
                            action={`/cart/items/${encodeURIComponent(line.product_id)}`}
                            class="inline"
                          >
                            <input type="hidden" name="remove" value="1" />
                            <button
                              type="submit"
                              class="secondary"
                              aria-label={`Remove ${line.name}`}
                            >
                              Remove
                            </button>
                          </form>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <p>
                Subtotal: <strong>{money(cart.subtotal_cents)}</strong>
              </p>
              <p>
                <a class="button" href="/order">Checkout</a>
              </p>
            </>
          )}
      </>,
      { title: "Cart" },
    );
  });
  return router;
}
