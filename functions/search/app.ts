import { type App, createApp } from "../../shared/app.ts";
import { postgresAndRedis } from "../../shared/health.ts";
import { bulkRoutes } from "./bulk_routes.ts";
import { productRoutes } from "./product_routes.ts";
import { searchRoutes } from "./search_routes.ts";
import { synonymsRoutes } from "./synonyms_routes.ts";
import { searchEnvSchema } from "./env.ts";

/** The search service: /search/products (search and catalog admin), /search/suggest, health and docs. */
export function createSearchApp(): App {
  const app = createApp("search", postgresAndRedis, searchEnvSchema);
  app.route("/search", searchRoutes());
  app.route("/search", synonymsRoutes());
  // Before productRoutes, so "bulk" is never read as a product id.
  app.route("/search", bulkRoutes());
  app.route("/search", productRoutes());
  return app;
}
