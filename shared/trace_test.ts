import assert from "node:assert/strict";
import { Hono } from "hono";
import { authTestEnv, bearer, issueTestToken, testPublicJwk } from "../tests/auth_helpers.ts";
import { createApp } from "./app.ts";
import { requireUser } from "./auth.ts";
import { parseTraceparent, tracedFetch, traceFrom, traceHeaders } from "./trace.ts";

const ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";

Deno.test("a valid traceparent is continued with a new span; tracestate passes on", () => {
  const headers = new Headers({ traceparent: `00-${ID}-${PARENT}-01`, tracestate: "v=1" });
  const t = traceFrom(headers);
  assert.equal(t.traceId, ID);
  assert.match(t.spanId, /^[0-9a-f]{16}$/);
  assert.notEqual(t.spanId, PARENT);
  assert.deepEqual(traceHeaders(t), {
    traceparent: `00-${ID}-${t.spanId}-01`,
    tracestate: "v=1",
  });
});

Deno.test("a missing or malformed traceparent starts a new trace", () => {
  const bad = [
    undefined,
    "",
    `00-${ID}-${PARENT}`,
    `00-${"0".repeat(32)}-${PARENT}-01`,
    `00-${ID}-${"0".repeat(16)}-01`,
    `ff-${ID}-${PARENT}-01`,
    `00-${ID.toUpperCase()}-${PARENT}-01`,
    `00-${ID}-${PARENT}-01-extra`,
  ];
  for (const header of bad) {
    assert.equal(parseTraceparent(header), undefined, String(header));
    const t = traceFrom(new Headers(header ? { traceparent: header } : {}));
    assert.match(t.traceId, /^[0-9a-f]{32}$/);
    assert.notEqual(t.traceId, ID);
  }
  // A later version may append fields; its first four still count.
  assert.equal(parseTraceparent(`01-${ID}-${PARENT}-01-more`)?.traceId, ID);
});

Deno.test("tracedFetch sends the request's trace to the next service", async () => {
  let seen: string | null = null;
  const next = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    seen = req.headers.get("traceparent");
    return new Response("ok");
  });
  const url = `http://127.0.0.1:${(next.addr as Deno.NetAddr).port}/`;
  const app = new Hono<{ Variables: { trace: ReturnType<typeof traceFrom> } }>();
  app.get("/", async (c) => {
    c.set("trace", traceFrom(c.req.raw.headers));
    const res = await tracedFetch(c, url, { headers: { Accept: "text/plain" } });
    return c.text(await res.text());
  });
  try {
    await (await app.request("/", { headers: { traceparent: `00-${ID}-${PARENT}-01` } })).text();
    assert.match(seen!, new RegExp(`^00-${ID}-[0-9a-f]{16}-01$`));
  } finally {
    await next.shutdown();
  }
});

Deno.test("a JWKS fetch carries the trace of the request that needed it", async () => {
  const seen: (string | null)[] = [];
  const jwksServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    seen.push(req.headers.get("traceparent"));
    return Response.json({ keys: [testPublicJwk()] });
  });
  const { AUTH_JWKS: _, ...env } = authTestEnv();
  const jwksUrl = `http://127.0.0.1:${(jwksServer.addr as Deno.NetAddr).port}/jwks.json`;
  const app = createApp("demo", () => Promise.resolve({}));
  app.get("/demo/me", requireUser(), (c) => c.json({ id: c.get("user").id }));
  try {
    const token = await issueTestToken({ sub: "u1", role: "customer" });
    const res = await app.request("/demo/me", {
      headers: { ...bearer(token), traceparent: `00-${ID}-${PARENT}-01` },
    }, { ...env, AUTH_JWKS_URL: jwksUrl, LOG_LEVEL: "error" });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, new RegExp(`^00-${ID}-[0-9a-f]{16}-01$`));
  } finally {
    await jwksServer.shutdown();
  }
});
