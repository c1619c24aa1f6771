import { createApp } from "../../shared/app.ts";
import { postgresAndRedis } from "../../shared/health.ts";
import { cartRoutes } from "./cart/cart_routes.ts";
import { defaultProvider, type ProviderFactory } from "./deps.ts";
import { inventoryRoutes } from "./inventory/inventory_routes.ts";
import { ordersRoutes } from "./orders/orders_routes.ts";
import { webhooksRoutes } from "./payments/webhooks_routes.ts";
import { checkoutEnvSchema } from "./env.ts";

export interface CheckoutOptions {
  /** The payment provider per request's env; default: the one `PAYMENT_PROVIDER` names. */
  provider?: ProviderFactory;
}

/** The checkout service: carts, inventory, idempotent orders. Builds no clients until a request comes. */
export function createCheckoutApp(opts: CheckoutOptions = {}) {
  const app = createApp("checkout", postgresAndRedis, checkoutEnvSchema);
  app.route("/checkout", cartRoutes());
  app.route("/checkout", inventoryRoutes());
  app.route("/checkout", ordersRoutes(opts.provider ?? defaultProvider));
  app.route("/checkout", webhooksRoutes(opts.provider ?? defaultProvider));
  return app;
}
