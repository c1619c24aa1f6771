/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Browsing: the home page, search results with facets, and a product's page. */
import { Hono } from "hono";
import { CART_ERRORS, type CartError } from "./cart.ts";
import { api, type StorefrontEnv } from "./deps.ts";
import { errorPage } from "./error_page.tsx";
import { Alert, money } from "./layout.tsx";
import { fieldErrors, type Problem } from "./problems.ts";
import { ProductCard } from "./product_card.tsx";
import { ResultsPage, searchParams } from "./results_view.tsx";

/** The product pages' router. */
export function productRoutes() {
  const router = new Hono<StorefrontEnv>();
  router.get("/", async (c) => {
    const { search } = api(c);
    const [popular, fresh] = await Promise.all([
      search.GET("/search/products", { params: { query: { sort: "popularity", limit: 8 } } }),
      search.GET("/search/products", { params: { query: { sort: "newest", limit: 8 } } }),
    ]);
    return c.render(
      <>
        <h1>Welcome to Edgeshop</h1>
        <section aria-labelledby="popular">
          <h2 id="popular">Popular products</h2>
          <ul class="grid">{popular.data?.hits.map((p) => <ProductCard product={p} />)}</ul>
        </section>
        <section aria-labelledby="new">
          <h2 id="new">New arrivals</h2>
          <ul class="grid">{fresh.data?.hits.map((p) => <ProductCard product={p} />)}</ul>
        </section>
      </>,
      { title: "Home" },
    );
  });
  router.get("/products", async (c) => {
    const params = searchParams(c.req.raw.url);
    const { data, error } = await api(c).search.GET("/search/products", {
      params: { query: params.query },
      querySerializer: { array: { style: "form", explode: true } },
    });
    const errors = fieldErrors(error as Problem | undefined, {
      min_price: "min",
      max_price: "max",
      cursor: "q",
    });
    return c.render(<ResultsPage params={params} result={data} errors={errors} />, {
      title: params.query.q ? `Results for ${params.query.q}` : "All products",
    });
  });
  router.get("/products/:id", async (c) => {
    const { data: p } = await api(c).search.GET("/search/products/{id}", {
      params: { path: { id: c.req.param("id") } },
    });
    if (!p) return errorPage(c, 404, "We could not find that product.");
    const added = c.req.query("added") !== undefined;
    const problem = CART_ERRORS[c.req.query("error") as CartError];
    return c.render(
      <article>
        <h1>{p.name}</h1>
        {p.image_url ? <img src={p.image_url} alt="" width="320" /> : null}
        <p class="price">{money(p.price_cents)}</p>
        <p class="muted">
          {p.brand}
          {p.categories.length ? ` · ${p.categories.join(", ")}` : ""}
        </p>
        <p>{p.in_stock ? "In stock" : "Out of stock"}</p>
        <p>{p.description}</p>
        {added ? <p class="notice" role="status">Added to your cart.</p> : null}
        {problem ? <Alert>{problem}</Alert> : null}
        <form method="post" action="/cart/items" class="row">
          <input type="hidden" name="product_id" value={p.id} />
          <div>
            <label for="add-quantity">Quantity</label>
            <input id="add-quantity" type="number" name="quantity" value="1" min="1" max="99" />
          </div>
          <button type="submit">Add to cart</button>
        </form>
      </article>,
      { title: p.name },
    );
  });
  return router;
}
