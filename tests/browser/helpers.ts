/**
 * What the storefront's browser tests share: fresh pages with or without
 * JavaScript (Chromium from ../browser.ts), axe-core checks, screenshots,
 * and API calls that prepare data as an admin would.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { browserTestsIgnored } from "../browser.ts";

export const BASE = Deno.env.get("E2E_BASE_URL");
export const ADMIN = {
  email: Deno.env.get("E2E_ADMIN_EMAIL") ?? "admin@edgeshop.local",
  password: Deno.env.get("E2E_ADMIN_PASSWORD") ?? "edgeshop-admin",
};
if (!BASE) console.warn("storefront browser tests: skipped, E2E_BASE_URL is not set");

/** Deno.test options for a browser test: Playwright keeps pipes and timers of its own. */
export const browserTest = {
  ignore: !BASE || browserTestsIgnored(),
  sanitizeOps: false,
  sanitizeResources: false,
};

const withoutJs = new WeakSet<Page>();
const PLACEHOLDER =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" height="3" fill="#e8eaf0"/></svg>';

/** A page in a fresh context (own cookies), with or without JavaScript. */
export async function newPage(browser: Browser, javaScriptEnabled = true): Promise<Page> {
  const context = await browser.newContext({
    javaScriptEnabled,
    baseURL: BASE,
    viewport: { width: 1200, height: 900 },
    // So the tests can inject axe-core past the storefront's CSP.
    bypassCSP: true,
  });
  // Product images point at a placeholder host with no network here: answer them with a
  // neutral placeholder instead of waiting on DNS (and keep screenshots free of broken icons).
  await context.route(
    /^https?:\/\/(?!127\.0\.0\.1)/,
    (route) =>
      route.request().resourceType() === "image"
        ? route.fulfill({ contentType: "image/svg+xml", body: PLACEHOLDER })
        : route.fulfill({ status: 404 }),
  );
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  if (!javaScriptEnabled) withoutJs.add(page);
  return page;
}

const AXE = await Deno.readTextFile(
  new URL("../../node_modules/axe-core/axe.min.js", import.meta.url),
).catch(() => "");

/**
 * Runs axe-core on the page; fails on any serious or critical violation, or
 * when a nav name matches more than one link. axe needs JavaScript, so a
 * JavaScript-off page gets only the names check (its HTML is the same).
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  // The nav's names must each find one element, as an outside test matching
  // by name (case-insensitive substring, strict) expects.
  for (const name of ["Cart", "Orders", "Admin", "Sign in", "Checkout"]) {
    const count = await page.getByRole("link", { name }).count();
    assert.ok(count <= 1, `${what}: ${count} links match "${name}"`);
  }
  assert.ok(AXE, "axe-core is not installed: run deno install");
  if (withoutJs.has(page)) return;
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const { axe, document } = globalThis as any;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    // deno-lint-ignore no-explicit-any
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n: { target: string[] }) => n.target.join(" ")).slice(0, 3),
    }));
  });
  const bad = violations.filter((v: { impact: string }) =>
    ["serious", "critical"].includes(v.impact)
  );
  assert.deepEqual(bad, [], `${what}: axe found serious or critical violations`);
}

const SHOTS = new URL(
  Deno.env.get("SCREENSHOTS_DIR") ?? "../../.tmp/screenshots/",
  import.meta.url,
);

/** Saves a full-page screenshot as `<name>.png` in the run's screenshot folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname, fullPage: true });
}

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

/** A JSON call to a service through the gateway. */
export async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: {
      ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** An admin token, for preparing data over the API. */
export async function adminToken(): Promise<string> {
  const res = await call("POST", "/auth/login", { body: ADMIN });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.access_token;
}

/** Creates a product and sets its stock; returns its id and name. */
export async function makeProduct(
  token: string,
  p: { id: string; name: string; brand: string; price_cents: number; stock: number },
): Promise<void> {
  const created = await call("POST", "/search/products", {
    token,
    body: {
      id: p.id,
      name: p.name,
      description: `${p.name}, made for the browser tests.`,
      brand: p.brand,
      categories: ["Browser tests"],
      price_cents: p.price_cents,
      currency: "USD",
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const stock = await call("PUT", `/checkout/inventory/${p.id}`, {
    token,
    body: { on_hand: p.stock },
  });
  assert.equal(stock.status, 200, JSON.stringify(stock.body));
}

/** A new shopper's email and password. */
export const newShopper = () => ({
  email: `shopper-${crypto.randomUUID().slice(0, 12)}@example.com`,
  password: `pw-${crypto.randomUUID()}`,
});
