/**
 * A page on another origin calls each service with `fetch` from headless
 * Chromium, through the gateway, as a storefront on its own domain would:
 * simple requests, preflighted ones (JSON bodies, a Bearer header) and the
 * exposed headers. A page on an origin that is not listed is refused.
 */
import assert from "node:assert/strict";
import { browserTestsIgnored, servePage, withBrowser } from "./browser.ts";

const BASE = Deno.env.get("E2E_BASE_URL");
const PAGE_ORIGIN = Deno.env.get("E2E_PAGE_ORIGIN");
const ignore = !BASE || !PAGE_ORIGIN || browserTestsIgnored();
if (!BASE || !PAGE_ORIGIN) {
  console.warn("cors browser test: skipped, run it through `deno task test` (it starts the stack)");
}

const PAGE = "<!doctype html><title>another origin</title>";

/** What the page's script saw; runs inside the browser. */
async function callServices(base: string) {
  const seen: Record<string, unknown> = {};
  const search = await fetch(`${base}/search/products?q=a&limit=1`);
  seen.search = {
    status: search.status,
    requestId: Boolean(search.headers.get("X-Request-Id")),
    hits: Array.isArray((await search.json()).hits),
  };
  const email = `cors-${crypto.randomUUID()}@example.com`;
  const signup = await fetch(`${base}/auth/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: "correct horse battery" }),
  });
  const tokens = await signup.json();
  seen.signup = { status: signup.status, hasToken: typeof tokens.access_token === "string" };
  const auth = { Authorization: `Bearer ${tokens.access_token}` };
  const me = await fetch(`${base}/auth/me`, { headers: auth });
  seen.me = { status: me.status, email: (await me.json()).email === email };
  const cart = await fetch(`${base}/checkout/cart`, { headers: auth });
  seen.cart = { status: cart.status, items: Array.isArray((await cart.json()).items) };
  const put = await fetch(`${base}/checkout/cart/items/no-such-product`, {
    method: "PUT",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ quantity: 1 }),
  });
  seen.put = { status: put.status, requestId: Boolean(put.headers.get("X-Request-Id")) };
  return seen;
}

Deno.test({
  name: "a page on an allowed origin calls auth, search and checkout from Chromium",
  ignore,
  fn: async () => {
    // tests/run.ts serves this page on a port it bound and holds for the run.
    const seen = await withBrowser(async (browser) => {
      const tab = await browser.newPage();
      await tab.goto(PAGE_ORIGIN!);
      return await tab.evaluate(callServices, BASE!);
    });
    // requestId: the exposed X-Request-Id is readable by the page's script.
    assert.deepEqual(seen.search, { status: 200, requestId: true, hits: true });
    assert.deepEqual(seen.signup, { status: 201, hasToken: true });
    assert.deepEqual(seen.me, { status: 200, email: true });
    assert.deepEqual(seen.cart, { status: 200, items: true });
    assert.deepEqual(seen.put, { status: 404, requestId: true }, "an error is readable too");
  },
});

Deno.test({
  name: "a page on an origin that is not allowed cannot read any service",
  ignore,
  fn: async () => {
    const page = servePage(PAGE);
    try {
      const outcomes = await withBrowser(async (browser) => {
        const tab = await browser.newPage();
        await tab.goto(page.origin);
        return await tab.evaluate(async (base: string) => {
          const results: string[] = [];
          for (const path of ["/auth/health", "/search/health", "/checkout/health"]) {
            try {
              await fetch(`${base}${path}`);
              results.push("read");
            } catch (err) {
              results.push((err as Error).name);
            }
          }
          return results;
        }, BASE!);
      });
      assert.deepEqual(outcomes, ["TypeError", "TypeError", "TypeError"]);
    } finally {
      await page.close();
    }
  },
});
