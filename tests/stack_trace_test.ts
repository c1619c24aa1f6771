/**
 * One purchase through the gateway, every call carrying the same W3C
 * `traceparent` (as a traced storefront or browser sends it), shows one trace
 * id in the access logs of auth, search and checkout; the logs hold no
 * password, email or token. Reads the stack's logs from E2E_LOG_DIR, which
 * `deno task test` fills. Named to run after tests/e2e_test.ts, which must be
 * the first authenticated traffic the stack sees.
 */
import assert from "node:assert/strict";

const BASE = Deno.env.get("E2E_BASE_URL");
const LOG_DIR = Deno.env.get("E2E_LOG_DIR");
const ADMIN = {
  email: Deno.env.get("E2E_ADMIN_EMAIL") ?? "admin@edgeshop.local",
  password: Deno.env.get("E2E_ADMIN_PASSWORD") ?? "edgeshop-admin",
};
if (!BASE || !LOG_DIR) console.warn("trace test: skipped, run it through `deno task test`");

const hex = (n: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0"))
    .join("");

type Line = Record<string, unknown>;

const partition = (lines: Line[], test: (l: Line) => boolean) => [
  lines.filter(test),
  lines.filter((l) => !test(l)),
];

async function accessLines(service: string, traceId: string): Promise<Line[]> {
  const text = await Deno.readTextFile(`${LOG_DIR}/${service}.log`).catch(() => "");
  return text.split("\n").flatMap((l) => {
    try {
      const line = JSON.parse(l) as Line;
      return line.msg === "request" && line.trace_id === traceId ? [line] : [];
    } catch {
      return [];
    }
  });
}

Deno.test({
  name: "one purchase through the gateway has one trace id in auth, search and checkout logs",
  ignore: !BASE || !LOG_DIR,
  async fn() {
    const traceId = hex(16);
    const traceparent = `00-${traceId}-${hex(8)}-01`;
    const call = async (method: string, path: string, body?: unknown, token?: string) => {
      const headers: Record<string, string> = { traceparent };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      if (path === "/checkout/orders") headers["Idempotency-Key"] = `trace-${traceId}`;
      const res = await fetch(`${BASE}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : {} };
    };

    const admin = (await call("POST", "/auth/login", ADMIN)).body.access_token;
    const id = `trace-${traceId.slice(0, 12)}`;
    const created = await call("POST", "/search/products", {
      id,
      name: `Tracer ${traceId.slice(0, 6)} lamp`,
      price_cents: 2500,
    }, admin);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(
      (await call("PUT", `/checkout/inventory/${id}`, { on_hand: 3 }, admin)).status,
      200,
    );

    const email = `tracer-${traceId.slice(0, 8)}@example.com`;
    const password = `pw-${hex(8)}`;
    const signup = await call("POST", "/auth/signup", { email, password });
    assert.equal(signup.status, 201);
    const token = signup.body.access_token as string;
    assert.equal(
      (await call("GET", `/search/products?q=tracer%20${traceId.slice(0, 6)}`)).status,
      200,
    );
    assert.equal(
      (await call("PUT", `/checkout/cart/items/${id}`, { quantity: 1 }, token)).status,
      200,
    );
    const order = await call("POST", "/checkout/orders", {
      payment_method: "pm_card_visa",
      shipping_address: {
        name: "T",
        line1: "1 Main St",
        city: "X",
        postal_code: "1",
        country: "US",
      },
    }, token);
    assert.equal(order.status, 201, JSON.stringify(order.body));

    const expected: Record<string, string[]> = {
      auth: ["POST /auth/login 200", "POST /auth/signup 201"],
      search: ["POST /search/products 201", "GET /search/products 200"],
      checkout: [
        "PUT /checkout/inventory/:product_id 200",
        "PUT /checkout/cart/items/:product_id 200",
        "POST /checkout/orders 201",
      ],
    };
    // The functions write their lines as they answer; give the pipes a moment.
    let seen: Record<string, Line[]> = {};
    for (let i = 0; i < 40; i++) {
      seen = Object.fromEntries(
        await Promise.all(
          Object.keys(expected).map(async (s) => [s, await accessLines(s, traceId)]),
        ),
      );
      if (Object.entries(expected).every(([s, e]) => seen[s].length >= e.length)) break;

      await new Promise((r) => setTimeout(r, 50));
    }
    for (const [service, lines] of Object.entries(expected)) {
      // Search's and checkout's JWKS fetches carry the trace on too (shared/jwt.ts); they
      // appear here only when this file runs first, so they are counted apart.
      const [jwks, own] = partition(
        seen[service],
        (l) => l.route === "/auth/.well-known/jwks.json",
      );
      const got = own.map((l) => `${l.method} ${l.route} ${l.status}`);
      assert.deepEqual(got.sort(), [...lines].sort(), service);
      assert.ok(jwks.length <= 2, "at most one JWKS fetch each from search and checkout");
      assert.equal(new Set(own.map((l) => l.request_id)).size, lines.length);
    }
    const orderLine = seen.checkout.find((l) => l.route === "/checkout/orders")!;
    assert.equal(orderLine.user_id, signup.body.user.id);

    // Nothing a client sent in confidence reaches any function's log.
    for (const service of Object.keys(expected)) {
      const all = await Deno.readTextFile(`${LOG_DIR}/${service}.log`);
      for (const secret of [password, email, token, ADMIN.password]) {
        assert.ok(!all.includes(secret), `${service} logged a secret`);
      }
    }
  },
});
