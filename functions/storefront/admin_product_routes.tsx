/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Admin products: list and find, create, edit, delete, and NDJSON bulk upload. */
import { Hono } from "hono";
import type { components } from "./api/search.ts";
import {
  EMPTY_PRODUCT,
  fromForm,
  PRODUCT_FIELDS,
  type ProductForm,
  ProductFormView,
  toForm,
} from "./admin_product_form.tsx";
import { AdminNav, FindProducts, findProducts } from "./admin_nav.tsx";
import { BulkReport, bulkUpload } from "./admin_bulk.tsx";
import { api, type Ctx, type StorefrontEnv } from "./deps.ts";
import { errorPage } from "./error_page.tsx";
import { money, PostButton } from "./layout.tsx";
import { fieldErrors, type Problem, problemMessage } from "./problems.ts";

type ProductInput = components["schemas"]["ProductInput"];

const readForm = async (c: Ctx): Promise<ProductForm> => {
  const raw = await c.req.parseBody();
  return Object.fromEntries(
    Object.keys(EMPTY_PRODUCT).map((k) => [k, String(raw[k] ?? "")]),
  ) as unknown as ProductForm;
};

const formPage = (
  c: Ctx,
  form: ProductForm,
  editing: boolean,
  errors: Record<string, string> = {},
  top?: string,
) =>
  c.render(
    <>
      <AdminNav />
      <h1>{editing ? `Edit ${form.name}` : "New product"}</h1>
      {editing && c.req.query("saved") !== undefined
        ? <p class="notice" role="status">Saved.</p>
        : null}
      <ProductFormView
        form={form}
        action={editing ? `/admin/products/${encodeURIComponent(form.id)}` : "/admin/products/new"}
        editing={editing}
        errors={errors}
        top={top}
      />
      {editing
        ? (
          <p class="row">
            <a href={`/admin/inventory/${encodeURIComponent(form.id)}`}>Set stock</a>
            <a href={`/products/${encodeURIComponent(form.id)}`}>View in shop</a>
            <PostButton
              action={`/admin/products/${encodeURIComponent(form.id)}/delete`}
              label="Delete product"
              class="secondary"
            />
          </p>
        )
        : null}
    </>,
    { title: editing ? `Edit ${form.name}` : "New product" },
  );

/** Renders a refused save with each error next to its field. */
function refused(c: Ctx, form: ProductForm, editing: boolean, problem: Problem) {
  const errors = fieldErrors(problem, PRODUCT_FIELDS);
  if (problem.code === "already_exists") errors.id = problemMessage(problem);
  c.status(problem.status === 409 ? 409 : 400);
  return formPage(c, form, editing, errors, problemMessage(problem));
}

/** The adminProduct pages' router. */
export function adminProductRoutes() {
  const router = new Hono<StorefrontEnv>();
  router.get("/", async (c) => {
    const q = c.req.query("q")?.trim() ?? "";
    const cursor = c.req.query("cursor") || undefined;
    const data = await findProducts(c, q, 50, cursor);
    const deleted = c.req.query("deleted");
    return c.render(
      <>
        <AdminNav />
        <h1>Products</h1>
        {deleted ? <p class="notice" role="status">Deleted {deleted}.</p> : null}
        <p class="row">
          <a class="button" href="/admin/products/new">New product</a>
          <a href="/admin/products/bulk">Bulk upload (NDJSON)</a>
        </p>
        <FindProducts action="/admin/products" q={q} />
        <p class="muted">{`${data.total} products`}</p>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">ID</th>
              <th scope="col">Brand</th>
              <th scope="col">Price</th>
            </tr>
          </thead>
          <tbody>
            {data.hits.map((p) => (
              <tr>
                <td>
                  <a href={`/admin/products/${encodeURIComponent(p.id)}`}>{p.name}</a>
                </td>
                <td>{p.id}</td>
                <td>{p.brand}</td>
                <td>{money(p.price_cents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {data.next_cursor
          ? (
            <p class="pager">
              <a
                href={`/admin/products?${new URLSearchParams({
                  ...(q ? { q } : {}),
                  cursor: data.next_cursor,
                })}`}
              >
                Next page
              </a>
            </p>
          )
          : null}
      </>,
      { title: "Products" },
    );
  });
  router.get("/new", (c) => formPage(c, EMPTY_PRODUCT, false));
  router.get("/bulk", (c) => c.render(<BulkReport />, { title: "Bulk upload" }));
  router.post("/bulk", bulkUpload);
  router.post("/new", async (c) => {
    const form = await readForm(c);
    const { body, errors } = fromForm(form);
    if (Object.keys(errors).length) {
      c.status(400);
      return formPage(c, form, false, errors, "Please correct the fields marked below.");
    }
    const { data, error } = await api(c).search.POST("/search/products", {
      // The generated type of this body is an intersection openapi-typescript cannot satisfy.
      body: body as ProductInput as never,
    });
    if (!data) return refused(c, form, false, error as Problem);
    return c.redirect(`/admin/products/${encodeURIComponent(data.id)}?saved`, 303);
  });
  router.get("/:id", async (c) => {
    const { data } = await api(c).search.GET("/search/products/{id}", {
      params: { path: { id: c.req.param("id") } },
    });
    if (!data) return errorPage(c, 404, "There is no product with that ID.");
    return formPage(c, toForm(data), true);
  });
  router.post("/:id", async (c) => {
    const id = c.req.param("id");
    const form = { ...await readForm(c), id };
    const { body, errors } = fromForm(form);
    if (Object.keys(errors).length) {
      c.status(400);
      return formPage(c, form, true, errors, "Please correct the fields marked below.");
    }
    const { id: _, ...patch } = body;
    const { data, error } = await api(c).search.PATCH("/search/products/{id}", {
      params: { path: { id } },
      body: patch,
    });
    if (!data) return refused(c, form, true, error as Problem);
    return c.redirect(`/admin/products/${encodeURIComponent(id)}?saved`, 303);
  });
  router.post("/:id/delete", async (c) => {
    const id = c.req.param("id");
    await api(c).search.DELETE("/search/products/{id}", { params: { path: { id } } });
    return c.redirect(`/admin/products?deleted=${encodeURIComponent(id)}`, 303);
  });
  return router;
}
