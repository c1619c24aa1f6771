import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { createApp, createRouter } from "./app.ts";
import { ApiError, problemBody } from "./errors.ts";

function testApp() {
  const app = createApp("demo", () => Promise.resolve({ postgres: true, redis: false }));
  const demo = createRouter();
  demo.openapi(
    createRoute({
      method: "post",
      path: "/things",
      request: {
        body: {
          content: {
            "application/json": {
              schema: z.object({ name: z.string().min(1), size: z.number().int() }),
            },
          },
        },
      },
      responses: { 201: { description: "Created" } },
    }),
    (c) => c.json(c.req.valid("json"), 201),
  );
  demo.get("/boom", () => {
    throw new Error("secret connection postgres://u:hunter2@db/x failed");
  });
  demo.get("/teapot", () => {
    throw new ApiError(409, "already_exists", 'Cannot create "x": it exists');
  });
  app.route("/demo", demo);
  return app;
}

const json = (body: string) => ({
  method: "POST",
  body,
  headers: { "Content-Type": "application/json" },
});

Deno.test("app answers problem+json for the common error cases", async (t) => {
  const app = testApp();
  const cases: [string, string, RequestInit, number, string][] = [
    ["unknown path", "/demo/nope", {}, 404, "not_found"],
    ["wrong method", "/demo/things", { method: "DELETE" }, 405, "method_not_allowed"],
    ["malformed JSON", "/demo/things", json("{nope"), 400, "invalid_json"],
    ["invalid body", "/demo/things", json('{"name":"","size":1.5}'), 400, "validation_failed"],
    [
      "body over 1 MiB",
      "/demo/things",
      json(JSON.stringify({ name: "x".repeat(1_100_000), size: 1 })),
      413,
      "payload_too_large",
    ],
    ["a thrown ApiError", "/demo/teapot", {}, 409, "already_exists"],
  ];
  for (const [name, path, init, status, code] of cases) {
    await t.step(`${name} gives ${status} ${code}`, async () => {
      const res = await app.request(path, init);
      assert.equal(res.status, status);
      assert.equal(res.headers.get("Content-Type"), "application/problem+json");
      const body = await res.json();
      assert.equal(body.code, code);
      assert.equal(body.status, status);
      assert.ok(!JSON.stringify(body).includes("hunter2"));
      assert.ok(!JSON.stringify(body).includes("at "), "no stack trace");
    });
  }
});

Deno.test("validation failures list each field in errors[].path", async () => {
  const res = await testApp().request("/demo/things", json('{"name":"","size":1.5}'));
  const body = await res.json();
  assert.deepEqual(body.errors.map((e: { path: string }) => e.path).sort(), ["name", "size"]);
});

Deno.test("405 names the allowed methods", async () => {
  const res = await testApp().request("/demo/things", { method: "GET" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("Allow"), "POST");
});

Deno.test("every response carries X-Request-Id (echoed) and Server-Timing total", async () => {
  const app = testApp();
  const echoed = await app.request("/demo/health", { headers: { "X-Request-Id": "abc-123" } });
  assert.equal(echoed.headers.get("X-Request-Id"), "abc-123");
  const fresh = await app.request("/demo/nope");
  assert.match(fresh.headers.get("X-Request-Id") ?? "", /^[0-9a-f-]{36}$/);
  assert.match(fresh.headers.get("Server-Timing") ?? "", /total;dur=/);
  assert.equal(echoed.headers.get("X-Content-Type-Options"), "nosniff");
});

Deno.test("GET /health answers without I/O and /ready is 503 naming what is down", async () => {
  const app = testApp();
  const health = await app.request("/demo/health");
  assert.deepEqual(await health.json(), { status: "ok", service: "demo" });
  const ready = await app.request("/demo/ready");
  assert.equal(ready.status, 503);
  const body = await ready.json();
  assert.equal(body.code, "not_ready");
  assert.deepEqual(body.checks, { postgres: true, redis: false });
});

Deno.test("GET /openapi.json documents the routes as OpenAPI 3.1", async () => {
  const res = await testApp().request("/demo/openapi.json");
  const doc = await res.json();
  assert.equal(doc.openapi, "3.1.0");
  assert.ok(doc.paths["/demo/things"].post);
  const docs = await testApp().request("/demo/docs");
  assert.equal(docs.status, 200);
});

Deno.test("an unexpected error is a generic 500, logged once with its secrets redacted", async () => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (line: string) => lines.push(line);
  try {
    const res = await testApp().request("/demo/boom", {
      headers: { Authorization: "Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln" },
    });
    assert.equal(res.status, 500);
    const body = await res.json();
    assert.equal(body.code, "internal_error");
    assert.ok(!JSON.stringify(body).includes("postgres://"), "no detail of the failure");
  } finally {
    console.error = original;
  }
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.level, "error");
  assert.match(entry.err.message, /postgres:\/\/u:\[redacted\]@db/);
  assert.ok(!lines[0].includes("hunter2"));
});

Deno.test("a problem's extra members never replace type, title, status, detail, instance or code", () => {
  const body = problemBody(
    new ApiError(409, "invalid_state", "Cannot", {
      status: "canceled",
      type: "x",
      title: "x",
      detail: "x",
      instance: "x",
      code: "x",
      order_status: "canceled",
    }),
    "/checkout/orders/1/cancel",
  );
  assert.deepEqual(body, {
    type: "about:blank",
    title: "Conflict",
    status: 409,
    detail: "Cannot",
    code: "invalid_state",
    instance: "/checkout/orders/1/cancel",
    order_status: "canceled",
  });
});
