/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** What every admin page shows: the section's navigation and its product filter. */
import { api, type Ctx } from "./deps.ts";
import { skuSchema } from "../../shared/ids.ts";

/** The admin section's own navigation. */
export function AdminNav() {
  return (
    <nav aria-label="Admin" class="row">
      <a href="/admin/products">Products</a>
      <a href="/admin/inventory">Inventory</a>
      <a href="/admin/orders">Orders</a>
    </nav>
  );
}

/** The admin's product filter: a searchbox of its own name, so the shop's stays unique. */
export function FindProducts(props: { action: string; q: string }) {
  return (
    <form method="get" action={props.action} role="search" aria-label="Find products" class="row">
      <div>
        <label for="find">Find products</label>
        <input type="search" id="find" name="q" value={props.q} />
      </div>
      <button type="submit" class="secondary">Find</button>
    </form>
  );
}

/**
 * The admin's product search: the shop's search, plus the product whose ID
 * is exactly `q` first (admins look products up by SKU, which search does
 * not index).
 */
export async function findProducts(c: Ctx, q: string, limit: number, cursor?: string) {
  const { search } = api(c);
  const [result, exact] = await Promise.all([
    search.GET("/search/products", {
      params: { query: { q: q || undefined, sort: q ? undefined : "newest", limit, cursor } },
    }),
    q && !cursor && skuSchema.safeParse(q).success
      ? search.GET("/search/products/{id}", { params: { path: { id: q } } })
      : Promise.resolve(undefined),
  ]);
  const hits = result.data?.hits ?? [];
  const byId = exact?.data;
  return {
    hits: byId ? [byId, ...hits.filter((h) => h.id !== byId.id)] : hits,
    total: (result.data?.total ?? 0) + (byId && !hits.some((h) => h.id === byId.id) ? 1 : 0),
    next_cursor: result.data?.next_cursor ?? null,
  };
}
