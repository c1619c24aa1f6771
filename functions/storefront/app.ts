/**
 * The storefront: a web shop and admin console rendered on the server with
 * hono/jsx. It calls auth, search and checkout only through their public
 * HTTP APIs (deps.ts); pages live outside their base paths.
 */
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { type App, createApp } from "../../shared/app.ts";
import type { ReadyCheck } from "../../shared/health.ts";
import { EnvError, parseEnv } from "../../shared/env.ts";
import { accountRoutes } from "./account_routes.tsx";
import { adminRoutes } from "./admin_routes.tsx";
import { assetRoutes } from "./assets_routes.ts";
import { cartRoutes } from "./cart_routes.tsx";
import { cartCount } from "./cart.ts";
import { config, ServiceUnavailable, SignedOut, type StorefrontEnv } from "./deps.ts";
import { storefrontEnvSchema } from "./env.ts";
import { errorPage } from "./error_page.tsx";
import { layout } from "./layout.tsx";
import { orderRoutes } from "./order_routes.tsx";
import { productRoutes } from "./product_routes.tsx";
import { endSession, loadSession, signInFirst } from "./session.ts";
import { Hono } from "hono";

/** Ready when the storefront's configuration parses and each service says it is alive. */
const servicesAnswer: ReadyCheck = async (c) => {
  const env = parseEnv(storefrontEnvSchema, c.env ?? {});
  const probe = async (url: string, service: string) => {
    try {
      const res = await fetch(`${url}/${service}/health`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  };
  const [auth, search, checkout] = await Promise.all([
    probe(env.AUTH_URL, "auth"),
    probe(env.SEARCH_URL, "search"),
    probe(env.CHECKOUT_URL, "checkout"),
  ]);
  return { auth, search, checkout };
};

const CSP = [
  "default-src 'self'",
  "img-src 'self' https: data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** The pages: every route below gets the session, CSRF checks and the page shell. */
function pages() {
  const app = new Hono<StorefrontEnv>();
  app.use(async function storefrontHeaders(c, next) {
    c.set("cartCount", cartCount(c));
    await next();
    c.header("Content-Security-Policy", CSP);
    // Same-origin Referer lets an error page offer "Try again" back to the form it came from.
    c.header("Referrer-Policy", "same-origin");
    if (c.res.headers.get("Content-Type")?.startsWith("text/html")) {
      c.header("Cache-Control", "no-store");
    }
  });
  app.use(csrf({
    origin: (origin, c) =>
      origin === new URL(c.req.url).origin ||
      (config(c).STOREFRONT_ORIGIN ?? "").split(",").map((o) => o.trim()).includes(origin),
  }));
  app.use(loadSession());
  app.use(layout);
  app.route("/", productRoutes());
  app.route("/", cartRoutes());
  app.route("/", accountRoutes());
  app.route("/", orderRoutes());
  app.route("/admin", adminRoutes());
  app.notFound((c) => errorPage(c, 404, "We could not find that page."));
  app.onError((err, c) => {
    if (err instanceof SignedOut) {
      // The session ended elsewhere (revoked, signed out): forget it and ask again.
      endSession(c);
      return signInFirst(c) ?? c.redirect("/signin", 303);
    }
    if (err instanceof ServiceUnavailable) {
      c.get("log").warn("A service is unavailable", { err: err.message });
      return errorPage(
        c,
        503,
        "The shop is not answering right now. Please try again in a moment.",
        {
          retry: true,
        },
      );
    }
    if (err instanceof EnvError) {
      c.get("log").error("Storefront is misconfigured", { variables: err.variables });
      return errorPage(c, 503, "The shop is not set up correctly. Please try again later.");
    }
    if (err instanceof HTTPException && err.status === 403) {
      return errorPage(c, 403, "This form was sent from another site, so we ignored it.");
    }
    c.get("log").error("Unhandled error", { err, path: c.req.path });
    return errorPage(c, 500, "Something went wrong on our side. Please try again.");
  });
  return app;
}

/** The storefront function: assets, the pages, and /storefront/health and /ready. */
export function createStorefrontApp(): App {
  const app = createApp("storefront", servicesAnswer, storefrontEnvSchema);
  app.route("/", assetRoutes());
  app.route("/", pages());
  return app;
}
