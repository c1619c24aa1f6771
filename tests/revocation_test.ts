/**
 * Issue 9, item 9: once auth revokes a session (logout local/global/others,
 * DELETE /auth/sessions/:id, refresh-token reuse), checkout and search's
 * admin routes refuse its access tokens within a second. The three apps run
 * in-process on real Postgres and Redis with one shared REDIS_PREFIX, as a
 * deployment shares it; tokens come from auth itself.
 */
import assert from "node:assert/strict";
import { createAuthApp } from "../functions/auth/app.ts";
import { createCheckoutApp } from "../functions/checkout/app.ts";
import { createSearchApp } from "../functions/search/app.ts";
import { seedAdmin } from "../db/seed_admin.ts";
import { authTestEnv } from "./auth_helpers.ts";
import { serviceEnv, testExecutionContext, testPrefix } from "./config.ts";
import { countTrips } from "./round_trips.ts";

const prefix = testPrefix();
const envs = {
  auth: serviceEnv("auth", { ...authTestEnv(), REDIS_PREFIX: prefix }),
  checkout: serviceEnv("checkout", {
    ...authTestEnv(),
    REDIS_PREFIX: prefix,
    PAYMENT_PROVIDER: "test",
  }),
  search: serviceEnv("search", {
    ...authTestEnv(),
    REDIS_PREFIX: prefix,
    SEARCH_CURSOR_SECRET: `test-secret-${crypto.randomUUID()}`,
  }),
};
const apps = { auth: createAuthApp(), checkout: createCheckoutApp(), search: createSearchApp() };
const { ctx } = testExecutionContext();

async function call(
  service: keyof typeof apps,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; env?: object } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await apps[service].request(
    path,
    {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    },
    opts.env ?? envs[service],
    ctx as never,
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

const password = "correct horse battery";

/** A new account signed in `n` times: its access and refresh tokens, one pair per session. */
async function sessions(
  n: number,
  email = `revoke.${crypto.randomUUID().slice(0, 8)}@example.com`,
) {
  const first = await call("auth", "POST", "/auth/signup", { body: { email, password } });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const pairs = [first.body];
  for (let i = 1; i < n; i++) {
    const login = await call("auth", "POST", "/auth/login", { body: { email, password } });
    assert.equal(login.status, 200);
    pairs.push(login.body);
  }
  return pairs as { access_token: string; refresh_token: string }[];
}

const cart = (token: string) => call("checkout", "GET", "/checkout/cart", { token });
const order = (token: string) =>
  call("checkout", "POST", "/checkout/orders", {
    token,
    headers: { "Idempotency-Key": crypto.randomUUID() },
    body: {
      payment_method: "pm_card_visa",
      shipping_address: {
        name: "Sam",
        line1: "1 Main St",
        city: "X",
        postal_code: "1",
        country: "US",
      },
    },
  });

/** Asserts checkout refuses `token` on a cart read and an order, measured from `since`. */
async function assertRefusedWithin1s(token: string, since: number) {
  const [read, placed] = await Promise.all([cart(token), order(token)]);
  const elapsed = performance.now() - since;
  assert.equal(read.status, 401, JSON.stringify(read.body));
  assert.equal(placed.status, 401, JSON.stringify(placed.body));
  assert.ok(elapsed < 1000, `refused after ${elapsed} ms`);
}

Deno.test("a globally logged-out session's tokens are refused by checkout within 1 s", async () => {
  const [a, b] = await sessions(2);
  assert.equal((await cart(a.access_token)).status, 200);
  assert.equal((await cart(b.access_token)).status, 200);
  const out = await call("auth", "POST", "/auth/logout", {
    token: a.access_token,
    body: { scope: "global" },
  });
  assert.equal(out.status, 204);
  const since = performance.now();
  await assertRefusedWithin1s(a.access_token, since);
  await assertRefusedWithin1s(b.access_token, since);
  // Every other checkout route checks too.
  for (
    const [method, path] of [
      ["PUT", "/checkout/cart/items/some-sku"],
      ["DELETE", "/checkout/cart/items/some-sku"],
      ["DELETE", "/checkout/cart"],
      ["GET", "/checkout/orders"],
      ["GET", `/checkout/orders/${crypto.randomUUID()}`],
      ["POST", `/checkout/orders/${crypto.randomUUID()}/cancel`],
    ]
  ) {
    const res = await call("checkout", method, path, {
      token: b.access_token,
      body: method === "PUT" ? { quantity: 1 } : undefined,
    });
    assert.equal(res.status, 401, `${method} ${path}: ${JSON.stringify(res.body)}`);
  }
});

Deno.test("logout others, DELETE /auth/sessions/:id and refresh reuse reach checkout too", async (t) => {
  await t.step("scope others: the other sessions end, this one keeps working", async () => {
    const [a, b] = await sessions(2);
    const out = await call("auth", "POST", "/auth/logout", {
      token: a.access_token,
      body: { scope: "others" },
    });
    assert.equal(out.status, 204);
    await assertRefusedWithin1s(b.access_token, performance.now());
    assert.equal((await cart(a.access_token)).status, 200);
  });
  await t.step("scope local", async () => {
    const [a, b] = await sessions(2);
    assert.equal(
      (await call("auth", "POST", "/auth/logout", { token: a.access_token })).status,
      204,
    );
    await assertRefusedWithin1s(a.access_token, performance.now());
    assert.equal((await cart(b.access_token)).status, 200);
  });
  await t.step("DELETE /auth/sessions/:id", async () => {
    const [a, b] = await sessions(2);
    const list = await call("auth", "GET", "/auth/sessions", { token: a.access_token });
    const other = list.body.sessions.find((s: { current: boolean }) => !s.current);
    const del = await call("auth", "DELETE", `/auth/sessions/${other.id}`, {
      token: a.access_token,
    });
    assert.equal(del.status, 204);
    await assertRefusedWithin1s(b.access_token, performance.now());
  });
  await t.step("a refresh token replayed after the grace", async () => {
    const env = { ...envs.auth, REFRESH_REUSE_GRACE_SECONDS: "0" };
    const [a] = await sessions(1);
    const refresh = (token: string) =>
      call("auth", "POST", "/auth/token/refresh", { body: { refresh_token: token }, env });
    const rotated = await refresh(a.refresh_token);
    assert.equal(rotated.status, 200);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await refresh(a.refresh_token)).status, 401);
    await assertRefusedWithin1s(rotated.body.access_token, performance.now());
  });
});

Deno.test("search's admin writes refuse a logged-out admin session", async () => {
  const email = `revoke.admin.${crypto.randomUUID().slice(0, 8)}@example.com`;
  await seedAdmin(envs.auth, email, password);
  const login = await call("auth", "POST", "/auth/login", { body: { email, password } });
  const token = login.body.access_token;
  const id = `revoke-${crypto.randomUUID().slice(0, 8)}`;
  const write = () =>
    call("search", "PUT", `/search/products/${id}`, {
      token,
      body: { name: "Revocation test", price_cents: 100 },
    });
  // The session check is one Redis request before the write; the catalog bump another after it.
  const trips = await countTrips(envs.search, async () => {
    assert.equal((await write()).status, 201);
  });
  assert.deepEqual(trips, { postgres: 1, redis: 2, provider: 0, other: 0 });
  assert.equal((await call("auth", "POST", "/auth/logout", { token })).status, 204);
  assert.equal((await write()).status, 401);
  const del = await call("search", "DELETE", `/search/products/${id}`, { token });
  assert.equal(del.status, 401);
  // The product stays until a live admin removes it (cleanup).
  const [fresh] = [(await call("auth", "POST", "/auth/login", { body: { email, password } })).body];
  assert.equal(
    (await call("search", "DELETE", `/search/products/${id}`, { token: fresh.access_token }))
      .status,
    204,
  );
});

Deno.test("with Redis unreachable, orders and admin writes fail closed with 503", async () => {
  const [a] = await sessions(1);
  const down = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
  const placed = await call("checkout", "POST", "/checkout/orders", {
    token: a.access_token,
    headers: { "Idempotency-Key": crypto.randomUUID() },
    body: {
      payment_method: "pm_card_visa",
      shipping_address: { name: "S", line1: "1", city: "X", postal_code: "1", country: "US" },
    },
    env: { ...envs.checkout, ...down },
  });
  assert.equal(placed.status, 503, JSON.stringify(placed.body));
  assert.equal(placed.body.code, "service_unavailable");
  const email = `revoke.admin2.${crypto.randomUUID().slice(0, 8)}@example.com`;
  await seedAdmin(envs.auth, email, password);
  const admin = await call("auth", "POST", "/auth/login", { body: { email, password } });
  const write = await call("search", "PUT", `/search/products/revoke-down`, {
    token: admin.body.access_token,
    body: { name: "Never written", price_cents: 100 },
    env: { ...envs.search, ...down },
  });
  assert.equal(write.status, 503, JSON.stringify(write.body));
  const read = await call("search", "GET", "/search/products/revoke-down");
  assert.equal(read.status, 404, "nothing was written");
});
