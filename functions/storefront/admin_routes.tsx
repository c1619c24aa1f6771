/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** The admin console: products, inventory and all orders. Only admins get past the guard. */
import { Hono } from "hono";
import { adminInventoryRoutes } from "./admin_inventory_routes.tsx";
import { AdminNav } from "./admin_nav.tsx";
import { adminProductRoutes } from "./admin_product_routes.tsx";
import { api, type StorefrontEnv } from "./deps.ts";
import { errorPage } from "./error_page.tsx";
import { OrderList } from "./order_view.tsx";
import { signInFirst } from "./session.ts";

/** The admin pages' router. */
export function adminRoutes() {
  const router = new Hono<StorefrontEnv>();
  router.use(async function requireAdmin(c, next) {
    const redirect = signInFirst(c);
    if (redirect) return redirect;
    if (c.get("session")?.role !== "admin") {
      return await errorPage(c, 403, "Only shop admins can open the admin console.");
    }
    await next();
    return undefined;
  });
  router.get("/", (c) => c.redirect("/admin/products", 303));
  router.route("/products", adminProductRoutes());
  router.route("/inventory", adminInventoryRoutes());
  router.get("/orders", async (c) => {
    const cursor = c.req.query("cursor") || undefined;
    const { data } = await api(c).checkout.GET("/checkout/orders", {
      params: { query: { scope: "all", cursor } },
    });
    if (!data) return errorPage(c, 400, "That page of orders does not exist.");
    return c.render(
      <>
        <AdminNav />
        <OrderList
          title="All orders"
          orders={data.orders}
          next={data.next_cursor}
          base="/admin/orders"
        />
      </>,
      { title: "All orders" },
    );
  });
  return router;
}
