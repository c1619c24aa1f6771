/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * Checkout, the order page, order history and cancel. A checkout form
 * carries the Idempotency-Key of its attempt: a double click or a resubmit
 * sends the same key, so checkout makes one order; a new attempt after a
 * definitive answer (declined, out of stock) gets a new form and a new key.
 */
import { Hono } from "hono";
import { loadCart, rememberCount } from "./cart.ts";
import { CARDS, type CheckoutForm, CheckoutPage, type PaymentMethod } from "./checkout_view.tsx";
import { api, type Ctx, type StorefrontEnv } from "./deps.ts";
import { errorPage } from "./error_page.tsx";
import { OrderList, OrderPage } from "./order_view.tsx";
import { declineMessage, fieldErrors, type Problem, problemMessage } from "./problems.ts";
import { signInFirst } from "./session.ts";

const EMPTY: CheckoutForm = {
  name: "",
  line1: "",
  city: "",
  postal_code: "",
  country: "US",
  payment: "",
};
const ADDRESS_FIELDS: Record<string, string> = {
  "shipping_address.name": "name",
  "shipping_address.line1": "line1",
  "shipping_address.city": "city",
  "shipping_address.postal_code": "postal_code",
  "shipping_address.country": "country",
  payment_method: "payment",
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POST /checkout/orders, waiting out a concurrent request with the same key (a double click). */
async function placeOrder(c: Ctx, key: string, form: CheckoutForm) {
  const body = {
    payment_method: form.payment as PaymentMethod,
    shipping_address: {
      name: form.name,
      line1: form.line1,
      city: form.city,
      postal_code: form.postal_code,
      country: form.country,
    },
  };
  for (let attempt = 0;; attempt++) {
    const res = await api(c).checkout.POST("/checkout/orders", {
      params: { header: { "Idempotency-Key": key } },
      body,
    });
    const problem = res.error as Problem | undefined;
    if (problem?.code !== "idempotency_key_in_use" || attempt >= 20) return res;
    await sleep(250);
  }
}

async function renderAgain(
  c: Ctx,
  form: CheckoutForm,
  errors: Record<string, string>,
  top: string,
  short: Map<string, { requested: number; available: number }>,
) {
  const cart = await loadCart(c);
  c.status(422);
  // A new attempt: the answer to the last key was final, so this form gets a fresh one.
  return c.render(
    <CheckoutPage
      cart={cart}
      form={form}
      idempotencyKey={crypto.randomUUID()}
      errors={errors}
      top={top}
      short={short}
    />,
    { title: "Checkout" },
  );
}

/** The order pages' router. */
export function orderRoutes() {
  const router = new Hono<StorefrontEnv>();
  router.get("/order", async (c) => {
    const redirect = signInFirst(c);
    if (redirect) return redirect;
    const cart = await loadCart(c);
    if (!cart.items.length) return c.redirect("/cart", 303);
    return c.render(
      <CheckoutPage
        cart={cart}
        form={EMPTY}
        idempotencyKey={crypto.randomUUID()}
        errors={{}}
        short={new Map()}
      />,
      { title: "Checkout" },
    );
  });
  router.post("/order", async (c) => {
    const redirect = signInFirst(c);
    if (redirect) return redirect;
    const raw = await c.req.parseBody();
    const form = Object.fromEntries(
      Object.keys(EMPTY).map((k) => [k, String(raw[k] ?? "").trim()]),
    ) as unknown as CheckoutForm;
    // Every rendered form carries its key; one without is not ours, so it gets a fresh one.
    const key = String(raw.idempotency_key ?? "").slice(0, 255) || crypto.randomUUID();
    const errors: Record<string, string> = {};
    if (!CARDS.some(([id]) => id === form.payment)) errors.payment = "Please choose a card.";
    if (!errors.payment) {
      const { data: order, error } = await placeOrder(c, key, form);
      if (order) {
        rememberCount(c, []);
        return c.redirect(`/orders/${order.id}?placed`, 303);
      }
      const problem = error as Problem;
      if (problem.status === 401) return signInFirst(c) ?? c.redirect("/signin", 303);
      if (problem.code === "cart_empty") return c.redirect("/cart", 303);
      Object.assign(errors, fieldErrors(problem, ADDRESS_FIELDS));
      if (problem.code === "payment_declined") {
        errors.payment = declineMessage(problem.decline_code);
      }
      const short = new Map((problem.items ?? []).map((i) => [i.product_id, i]));
      const top = problem.code === "insufficient_stock"
        ? "Some products in your cart are not available in the quantity you chose."
        : problem.code === "payment_declined"
        ? "Your payment did not go through."
        : problemMessage(problem);
      return renderAgain(c, form, errors, top, short);
    }
    return renderAgain(c, form, errors, "Please correct the fields marked below.", new Map());
  });
  router.get("/orders", async (c) => {
    const redirect = signInFirst(c);
    if (redirect) return redirect;
    const cursor = c.req.query("cursor") || undefined;
    const { data } = await api(c).checkout.GET("/checkout/orders", {
      params: { query: { cursor } },
    });
    if (!data) return errorPage(c, 400, "That page of orders does not exist.");
    return c.render(
      <OrderList title="Your orders" orders={data.orders} next={data.next_cursor} base="/orders" />,
      {
        title: "Your orders",
      },
    );
  });
  router.get("/orders/:id", async (c) => {
    const redirect = signInFirst(c);
    if (redirect) return redirect;
    const { data: order } = await api(c).checkout.GET("/checkout/orders/{id}", {
      params: { path: { id: c.req.param("id") } },
    });
    if (!order) return errorPage(c, 404, "We could not find that order.");
    const error = c.req.query("error") === "invalid_state"
      ? "This order can no longer be canceled."
      : undefined;
    return c.render(
      <OrderPage order={order} placed={c.req.query("placed") !== undefined} error={error} />,
      {
        title: `Order ${order.id.slice(0, 8)}`,
      },
    );
  });
  router.post("/orders/:id/cancel", async (c) => {
    const redirect = signInFirst(c);
    if (redirect) return redirect;
    const id = c.req.param("id");
    const { error } = await api(c).checkout.POST("/checkout/orders/{id}/cancel", {
      params: { path: { id } },
    });
    const code = (error as Problem | undefined)?.code;
    return c.redirect(`/orders/${encodeURIComponent(id)}${code ? `?error=${code}` : ""}`, 303);
  });
  return router;
}
