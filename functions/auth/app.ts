import { createApp } from "../../shared/app.ts";
import { postgresAndRedis } from "../../shared/health.ts";
import { accountsRoutes } from "./accounts_routes.ts";
import { jwksRoutes } from "./jwks_routes.ts";
import { sessionsRoutes } from "./sessions_routes.ts";
import { tokensRoutes } from "./tokens_routes.ts";
import { authEnvSchema } from "./env.ts";

/** The auth service: accounts, tokens, sessions and the JWKS under `/auth`. */
export function createAuthApp() {
  const app = createApp("auth", postgresAndRedis, authEnvSchema);
  app.route("/auth", accountsRoutes());
  app.route("/auth", tokensRoutes());
  app.route("/auth", sessionsRoutes());
  app.route("/auth", jwksRoutes());
  return app;
}
