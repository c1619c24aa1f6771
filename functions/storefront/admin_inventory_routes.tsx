/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Admin inventory: on hand, reserved and available per product, and setting what is on hand. */
import { Hono } from "hono";
import { AdminNav, FindProducts, findProducts } from "./admin_nav.tsx";
import { api, type StorefrontEnv } from "./deps.ts";
import { errorPage } from "./error_page.tsx";
import { fieldErrors, type Problem } from "./problems.ts";

/** The adminInventory pages' router. */
export function adminInventoryRoutes() {
  const router = new Hono<StorefrontEnv>();
  router.get("/", async (c) => {
    const q = c.req.query("q")?.trim() ?? "";
    const { hits } = await findProducts(c, q, 20);
    const { checkout } = api(c);
    // One call per product: checkout has no list endpoint, and 20 run in parallel.
    const stock = await Promise.all(
      hits.map((p) =>
        checkout.GET("/checkout/inventory/{product_id}", { params: { path: { product_id: p.id } } })
      ),
    );
    return c.render(
      <>
        <AdminNav />
        <h1>Inventory</h1>
        <FindProducts action="/admin/inventory" q={q} />
        <table>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">ID</th>
              <th scope="col">On hand</th>
              <th scope="col">Reserved</th>
              <th scope="col">Available</th>
            </tr>
          </thead>
          <tbody>
            {hits.map((p, i) => {
              const s = stock[i].data;
              return (
                <tr>
                  <td>
                    <a href={`/admin/inventory/${encodeURIComponent(p.id)}`}>{p.name}</a>
                  </td>
                  <td>{p.id}</td>
                  <td>{s?.on_hand ?? "–"}</td>
                  <td>{s?.reserved ?? "–"}</td>
                  <td>{s?.available ?? "–"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </>,
      { title: "Inventory" },
    );
  });
  router.get("/:id", async (c) => {
    const id = c.req.param("id");
    const { search, checkout } = api(c);
    const [product, stock] = await Promise.all([
      search.GET("/search/products/{id}", { params: { path: { id } } }),
      checkout.GET("/checkout/inventory/{product_id}", { params: { path: { product_id: id } } }),
    ]);
    if (!product.data) return errorPage(c, 404, "There is no product with that ID.");
    const s = stock.data ?? { on_hand: 0, reserved: 0, available: 0 };
    const error = c.req.query("error");
    return c.render(
      <>
        <AdminNav />
        <h1>Stock of {product.data.name}</h1>
        {c.req.query("saved") !== undefined ? <p class="notice" role="status">Saved.</p> : null}
        <dl class="row">
          <div>
            <dt>On hand</dt>
            <dd>{s.on_hand}</dd>
          </div>
          <div>
            <dt>Reserved</dt>
            <dd>{s.reserved}</dd>
          </div>
          <div>
            <dt>Available</dt>
            <dd>{s.available}</dd>
          </div>
        </dl>
        <form method="post" action={`/admin/inventory/${encodeURIComponent(id)}`} class="row">
          <div>
            <label for="on_hand">On hand</label>
            <input
              id="on_hand"
              name="on_hand"
              type="number"
              min="0"
              step="1"
              required
              value={String(s.on_hand)}
              aria-describedby={error ? "on_hand-error" : undefined}
            />
            {error
              ? (
                <p class="field-error" role="alert" id="on_hand-error">
                  {error === "range"
                    ? "Enter a whole number, 0 or more."
                    : "That product no longer exists."}
                </p>
              )
              : null}
          </div>
          <button type="submit">Save</button>
        </form>
        <p>
          <a href={`/admin/products/${encodeURIComponent(id)}`}>Edit product</a>
        </p>
      </>,
      { title: `Stock of ${product.data.name}` },
    );
  });
  router.post("/:id", async (c) => {
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    const onHand = Number(form.on_hand);
    const back = `/admin/inventory/${encodeURIComponent(id)}`;
    if (!Number.isInteger(onHand) || onHand < 0) return c.redirect(`${back}?error=range`, 303);
    const { data, error } = await api(c).checkout.PUT("/checkout/inventory/{product_id}", {
      params: { path: { product_id: id } },
      body: { on_hand: onHand },
    });
    if (!data) {
      const problem = error as Problem;
      return c.redirect(`${back}?error=${fieldErrors(problem).on_hand ? "range" : "gone"}`, 303);
    }
    return c.redirect(`${back}?saved`, 303);
  });
  return router;
}
