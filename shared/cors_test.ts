import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { parseAllowedOrigins } from "./cors.ts";

const app = createApp("demo", () => Promise.resolve({ postgres: true, redis: true }));
const SHOP = "https://shop.example";
const env = (origins?: string) => (origins === undefined ? {} : { CORS_ALLOWED_ORIGINS: origins });

function preflight(origin: string, origins?: string, path = "/demo/health") {
  return app.request(path, {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "PUT",
      "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
    },
  }, env(origins));
}

Deno.test("a preflight from an allowed origin is answered 204 and cached", async () => {
  const res = await preflight(SHOP, `${SHOP}, http://localhost:8000`);
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("Access-Control-Allow-Origin"), SHOP);
  assert.equal(res.headers.get("Access-Control-Max-Age"), "7200");
  assert.match(res.headers.get("Access-Control-Allow-Methods")!, /\bPUT\b/);
  const allowed = res.headers.get("Access-Control-Allow-Headers")!.toLowerCase();
  for (const h of ["authorization", "content-type", "idempotency-key", "traceparent"]) {
    assert.ok(allowed.includes(h), h);
  }
  assert.match(res.headers.get("Vary")!, /Origin/);
  assert.equal(res.headers.get("Access-Control-Allow-Credentials"), null);
});

Deno.test("a preflight to any path is not 405, even one the service does not have", async () => {
  const res = await preflight(SHOP, SHOP, "/demo/nope");
  assert.equal(res.status, 204);
});

Deno.test("a response to an allowed origin exposes the headers clients read", async () => {
  const res = await app.request("/demo/health", { headers: { Origin: SHOP } }, env(SHOP));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Access-Control-Allow-Origin"), SHOP);
  const exposed = res.headers.get("Access-Control-Expose-Headers")!.split(",");
  for (const h of ["X-Request-Id", "Retry-After", "Idempotent-Replayed", "RateLimit-Policy"]) {
    assert.ok(exposed.includes(h), h);
  }
  assert.ok(exposed.includes("RateLimit"));
  await res.body?.cancel();
});

Deno.test("an origin not listed, or no list at all, gets no Allow-Origin", async () => {
  for (const origins of [SHOP, "", undefined]) {
    const res = await app.request("/demo/health", {
      headers: { Origin: "https://evil.example" },
    }, env(origins));
    assert.equal(res.headers.get("Access-Control-Allow-Origin"), null, String(origins));
    await res.body?.cancel();
    const pre = await preflight("https://evil.example", origins);
    assert.equal(pre.headers.get("Access-Control-Allow-Origin"), null, String(origins));
  }
});

Deno.test("`*` allows any origin and never with credentials", async () => {
  const res = await preflight("https://anyone.example", "*");
  assert.equal(res.headers.get("Access-Control-Allow-Origin"), "*");
  assert.equal(res.headers.get("Access-Control-Allow-Credentials"), null);
});

Deno.test("CORS_ALLOWED_ORIGINS entries are normalised origins; junk is dropped", () => {
  assert.deepEqual(parseAllowedOrigins(" https://Shop.example/ ,nope,http://localhost:8000"), [
    "https://shop.example",
    "http://localhost:8000",
  ]);
  assert.equal(parseAllowedOrigins("https://a.example,*"), "*");
  assert.deepEqual(parseAllowedOrigins(undefined), []);
});
