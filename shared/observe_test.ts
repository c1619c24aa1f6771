import assert from "node:assert/strict";
import { endTime, setMetric, startTime } from "hono/timing";
import { createApp, createRouter } from "./app.ts";
import type { AuthUser } from "./auth.ts";
import { authTestEnv, bearer, issueTestToken } from "../tests/auth_helpers.ts";

const USER: AuthUser = {
  id: "5b0c2f6e-1d3a-4c1e-9a7b-2f4e6d8c0a1b",
  role: "customer",
  sessionId: "s",
  tokenId: "t",
  expiresAt: new Date(Date.now() + 60_000),
};

function testApp() {
  const app = createApp("demo", () => Promise.resolve({ postgres: true, redis: true }));
  const demo = createRouter();
  // Stands in for requireUser(), which sets the same variable from a verified token.
  demo.post("/things/:id", (c) => {
    c.set("user", {
      ...USER,
      role: c.req.header("X-Test-Role") === "admin" ? "admin" : "customer",
    });
    startTime(c, "db");
    endTime(c, "db");
    setMetric(c, "cache", "miss");
    return c.json({ ok: true });
  });
  demo.get("/public", (c) => {
    setMetric(c, "cache", "hit");
    return c.json({ ok: true });
  });
  app.route("/demo", demo);
  return app;
}

async function captureLogs(fn: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines.map((l) => JSON.parse(l));
}

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

Deno.test("one access-log line per request, with no secret from the request in it", async () => {
  const app = testApp();
  let requestId = "";
  const logs = await captureLogs(async () => {
    const res = await app.request("/demo/things/sku-1?token=s3cr3t-query&email=ada@example.com", {
      method: "POST",
      headers: {
        Authorization: "Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln",
        "Content-Type": "application/json",
        traceparent: `00-${TRACE}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ email: "ada@example.com", password: "hunter2hunter2" }),
    }, { LOG_LEVEL: "info" });
    requestId = res.headers.get("X-Request-Id")!;
    await res.body?.cancel();
  });
  assert.equal(logs.length, 1);
  const [line] = logs;
  assert.deepEqual(
    { ...line, time: undefined, duration_ms: undefined },
    {
      time: undefined,
      level: "info",
      msg: "request",
      service: "demo",
      request_id: requestId,
      trace_id: TRACE,
      method: "POST",
      route: "/demo/things/:id",
      status: 200,
      duration_ms: undefined,
      user_id: USER.id,
    },
  );
  assert.equal(typeof line.duration_ms, "number");
  const text = JSON.stringify(line);
  for (const secret of ["s3cr3t", "ada@", "hunter2", "eyJ", "sku-1"]) {
    assert.ok(!text.includes(secret), secret);
  }
});

Deno.test("no access log above info; a new trace id when the caller sent none", async () => {
  const app = testApp();
  assert.deepEqual(
    await captureLogs(async () => {
      await (await app.request("/demo/health", {}, { LOG_LEVEL: "warn" })).body?.cancel();
    }),
    [],
  );
  const [a, b] = await captureLogs(async () => {
    await (await app.request("/demo/health")).body?.cancel();
    await (await app.request("/demo/health")).body?.cancel();
  });
  assert.match(a.trace_id as string, /^[0-9a-f]{32}$/);
  assert.notEqual(a.trace_id, b.trace_id);
  assert.equal(a.route, "/demo/health");
  assert.equal(a.user_id, undefined);
});

Deno.test("Server-Timing: total always; cache and db details only at debug or for admins", async () => {
  const app = testApp();
  const timingOf = async (env: Record<string, string>, role = "customer") => {
    let value = "";
    await captureLogs(async () => {
      const res = await app.request("/demo/things/x", {
        method: "POST",
        headers: { "X-Test-Role": role },
      }, env);
      value = res.headers.get("Server-Timing") ?? "";
      await res.body?.cancel();
    });
    return value.split(",").map((m) => m.split(";")[0].trim()).sort();
  };
  assert.deepEqual(await timingOf({ LOG_LEVEL: "info" }), ["total"]);
  assert.deepEqual(await timingOf({ LOG_LEVEL: "debug" }), ["cache", "db", "total"]);
  assert.deepEqual(await timingOf({ LOG_LEVEL: "info" }, "admin"), ["cache", "db", "total"]);
  // A public route has no requireUser(): an admin's Bearer token is verified for this alone.
  const publicTiming = async (role: "admin" | "customer" | "none") => {
    const headers = role === "none" ? {} : bearer(await issueTestToken({ sub: "u", role }));
    let value = "";
    await captureLogs(async () => {
      const res = await app.request("/demo/public", { headers }, authTestEnv());
      value = res.headers.get("Server-Timing") ?? "";
      await res.body?.cancel();
    });
    return value.includes("cache");
  };
  assert.equal(await publicTiming("admin"), true);
  assert.equal(await publicTiming("customer"), false);
  assert.equal(await publicTiming("none"), false);
  const health = await app.request("/demo/health");
  assert.match(health.headers.get("Server-Timing")!, /^total;dur=/);
});
