/**
 * The storefront in-process, where no browser is needed: what it does when
 * a service is down, CSRF refusals, hashed immutable assets, the guest
 * cart's signature, and its configuration check. The journeys against the
 * real services are in tests/browser/.
 */
import assert from "node:assert/strict";
import { serializeSigned } from "hono/utils/cookie";
import { createStorefrontApp } from "./app.ts";

const app = createStorefrontApp();

/** A port nothing listens on: every call to it fails at once. */
function deadPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

const dead = `http://127.0.0.1:${deadPort()}`;
const env = {
  AUTH_URL: dead,
  SEARCH_URL: dead,
  CHECKOUT_URL: dead,
  STOREFRONT_COOKIE_SECRET: "s".repeat(32),
  LOG_LEVEL: "error",
};

Deno.test("a page whose service is down says so in words, with role alert and a retry link", async () => {
  const res = await app.request("/products?q=lamp", {}, env);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("Retry-After"), "5");
  const html = await res.text();
  assert.match(html, /role="alert"[^>]*>The shop is not answering right now/);
  assert.match(html, /<a href="\/products\?q=lamp">Try again<\/a>/);
});

Deno.test("a service that answers 5xx is shown the same way, not as an error page of ours", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("{}", { status: 502 }),
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const res = await app.request("/", {}, { ...env, SEARCH_URL: url });
    assert.equal(res.status, 503);
    assert.match(await res.text(), /Please try again/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a form posted from another site is refused with 403 (hono/csrf)", async (t) => {
  const post = (headers: Record<string, string>) =>
    app.request("/cart/items", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: "product_id=x&quantity=1",
    }, env);
  await t.step("a foreign Origin", async () => {
    const res = await post({ Origin: "https://evil.example" });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /sent from another site/);
  });
  await t.step("a cross-site Sec-Fetch-Site and no Origin", async () => {
    assert.equal((await post({ "Sec-Fetch-Site": "cross-site" })).status, 403);
  });
  await t.step("the configured public origin passes the check", async () => {
    const res = await app.request("/cart/items", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "http://127.0.0.1:8000",
      },
      body: "product_id=&quantity=1",
    }, { ...env, STOREFRONT_ORIGIN: "http://127.0.0.1:8000" });
    assert.equal(res.status, 303);
  });
});

Deno.test("assets are served at content-hashed URLs and cached immutably", async () => {
  const html = await (await app.request("/cart", {}, env)).text();
  const css = html.match(/href="(\/assets\/app\.[0-9a-f]{12}\.css)"/)?.[1];
  const js = html.match(/src="(\/assets\/app\.[0-9a-f]{12}\.js)"/)?.[1];
  assert.ok(css && js, "the shell links a hashed stylesheet and script");
  for (const [path, type] of [[css, "text/css"], [js, "text/javascript"]]) {
    const res = await app.request(path, {}, env);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("Content-Type") ?? "", new RegExp(type));
    assert.equal(res.headers.get("Cache-Control"), "public, max-age=31536000, immutable");
    await res.body?.cancel();
  }
  const stale = await app.request("/assets/app.000000000000.css", {}, env);
  assert.equal(stale.status, 404);
  await stale.body?.cancel();
});

Deno.test("a guest cart cookie counts only with the storefront's own signature", async () => {
  const cookie = async (secret: string) =>
    (await serializeSigned("sf_cart", JSON.stringify([["lamp-1", 2]]), secret)).split(";")[0];
  // Signed with another key: ignored, so the cart is empty and no service is asked.
  const forged = await app.request("/cart", {
    headers: { Cookie: await cookie("x".repeat(32)) },
  }, env);
  assert.equal(forged.status, 200);
  assert.match(await forged.text(), /Your cart is empty/);
  // Signed with ours: the line is real, so search is asked for it (and is down here).
  const genuine = await app.request("/cart", {
    headers: { Cookie: await cookie(env.STOREFRONT_COOKIE_SECRET) },
  }, env);
  assert.equal(genuine.status, 503);
  await genuine.body?.cancel();
});

Deno.test("pages that need an account send a signed-out shopper to sign in, then back", async () => {
  for (const path of ["/order", "/orders", "/account", "/admin/products"]) {
    const res = await app.request(path, {}, env);
    assert.equal(res.status, 303, path);
    assert.equal(res.headers.get("Location"), `/signin?next=${encodeURIComponent(path)}`);
  }
  const page = await (await app.request("/signin?next=//evil.example", {}, env)).text();
  assert.match(page, /name="next" value="\/"/, "only local paths are kept as next");
});

Deno.test("a storefront without its configuration answers 503 misconfigured, naming the variables", async () => {
  const res = await app.request("/", {}, { LOG_LEVEL: "error" });
  assert.equal(res.status, 503);
  const body = await res.json();
  assert.equal(body.code, "misconfigured");
  assert.match(body.detail, /STOREFRONT_COOKIE_SECRET/);
  assert.equal((await app.request("/storefront/health", {}, {})).status, 200);
});
