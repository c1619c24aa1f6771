import { createApp } from "../../shared/app.ts";
import { postgresAndRedis } from "../../shared/health.ts";
import { accounts } from "./accounts_routes.ts";
import { jwks } from "./jwks_routes.ts";
import { sessions } from "./sessions_routes.ts";
import { tokens } from "./tokens_routes.ts";

/** The auth service: accounts, tokens, sessions and the JWKS under `/auth`. */
export function createAuthApp() {
  const app = createApp("auth", postgresAndRedis);
  app.route("/auth", accounts);
  app.route("/auth", tokens);
  app.route("/auth", sessions);
  app.route("/auth", jwks);
  return app;
}
