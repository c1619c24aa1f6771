import assert from "node:assert/strict";
import { Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { createApp } from "./app.ts";
import {
  allowOrigin,
  CORS_ALLOWED_HEADERS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
  corsMiddleware,
  parseAllowedOrigins,
} from "./cors.ts";

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

Deno.test("corsMiddleware() sets exactly the headers Hono's cors() would, on every kind of response", async (t) => {
  const honoCors = cors({
    origin: allowOrigin,
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: CORS_ALLOWED_HEADERS,
    exposeHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
    credentials: false,
  });
  const demo = (mw: MiddlewareHandler) => {
    const app = new Hono();
    app.use(mw);
    app.onError((err, c) =>
      c.json({ error: String(err) }, err instanceof HTTPException ? err.status : 500)
    );
    app.get("/json", (c) => c.json({ ok: true }));
    app.get("/vary", (c) => c.body("x", 200, { Vary: "Accept", "X-Own": "1" }));
    app.get("/raw", () => new Response("raw", { headers: { "Content-Type": "text/plain" } }));
    app.get("/throw", () => {
      throw new HTTPException(418, { message: "teapot" });
    });
    return app;
  };
  const ours = demo(corsMiddleware());
  const theirs = demo(honoCors);
  for (const path of ["/json", "/vary", "/raw", "/throw", "/missing"]) {
    for (const origins of [SHOP, "*", undefined]) {
      for (const origin of [SHOP, "https://evil.example", undefined]) {
        for (const method of ["GET", "OPTIONS"]) {
          await t.step(`${method} ${path}, Origin ${origin}, allowed ${origins}`, async () => {
            const init: RequestInit = { method, headers: origin ? { Origin: origin } : {} };
            const [a, b] = [
              await ours.request(path, init, env(origins)),
              await theirs.request(path, init, env(origins)),
            ];
            assert.equal(a.status, b.status);
            assert.deepEqual([...a.headers], [...b.headers]);
            assert.equal(await a.text(), await b.text());
          });
        }
      }
    }
  }
});
