/**
 * Issue 9, item 1: a freshly started function verifies valid tokens from its
 * very first request, however many arrive at once. Spawns a real auth and
 * fresh checkout and search processes (`deno serve`, as `deno task dev`
 * does) on the tests' database and bridges, then fires 50 concurrent
 * authenticated requests at each before anything else has touched them.
 */
import assert from "node:assert/strict";
import { newSigningKey, stackEnvs } from "../dev/local_env.ts";
import { freePort } from "../dev/ports.ts";
import { spawnFunction, stopFunction, waitHealthy } from "../dev/stack.ts";
import { bridges, testDatabaseUrl, testPrefix } from "./config.ts";

const CONCURRENCY = 50;

Deno.test("a fresh checkout and search verify 50 concurrent valid tokens with no 401", async () => {
  const db = new URL(testDatabaseUrl());
  const database = db.pathname.slice(1);
  db.pathname = "/";
  const b = bridges();
  const ports = { auth: freePort(), search: freePort(), checkout: freePort() };
  const envs = stackEnvs({
    serverUrl: db.toString(),
    database,
    neon: { sqlEndpoint: b.NEON_HTTP_ENDPOINT, wsProxy: b.NEON_WS_PROXY },
    upstash: { url: b.UPSTASH_REDIS_REST_URL, token: b.UPSTASH_REDIS_REST_TOKEN },
    authUrl: `http://127.0.0.1:${ports.auth}`,
    signingKey: await newSigningKey(),
    redisPrefix: testPrefix(),
  });
  for (const env of Object.values(envs)) {
    env.LOG_LEVEL = "error";
    // A 50-request burst on a loaded machine can outlast the 500 ms / 1.5 s
    // default deadlines (503); what this test proves is token verification,
    // so it gives the stores room, as oversell_test.ts does.
    env.DB_TIMEOUT_MS = "10000";
    env.REDIS_TIMEOUT_MS = "10000";
  }
  const services = ["auth", "checkout", "search"] as const;
  const children = await Promise.all(
    services.map((s) => spawnFunction("deno", s, ports[s], envs[s], true)),
  );
  try {
    await Promise.all(services.map((s, i) => waitHealthy(s, ports[s], children[i], 20_000)));
    const signup = await fetch(`http://127.0.0.1:${ports.auth}/auth/signup`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        email: `cold.${crypto.randomUUID().slice(0, 8)}@example.com`,
        password: "correct horse battery",
      }),
    });
    const { access_token: token } = await signup.json();
    assert.equal(signup.status, 201);
    const headers = { Authorization: `Bearer ${token}` };

    // Checkout: every route needs a token; the cart is the simplest.
    // Search: an admin route with a customer token answers 403 only after the
    // token verified (a 401 would mean the cold-start bug).
    const [cart, admin] = await Promise.all([
      burst(() => fetch(`http://127.0.0.1:${ports.checkout}/checkout/cart`, { headers })),
      burst(() =>
        fetch(`http://127.0.0.1:${ports.search}/search/products/cold-start`, {
          method: "DELETE",
          headers,
        })
      ),
    ]);
    assert.deepEqual(cart, { 200: CONCURRENCY });
    assert.deepEqual(admin, { 403: CONCURRENCY });
  } finally {
    await Promise.all(children.map(stopFunction));
  }
});

/** Sends `CONCURRENCY` requests at once; counts answers by status. */
async function burst(send: () => Promise<Response>): Promise<Record<number, number>> {
  const responses = await Promise.all(Array.from({ length: CONCURRENCY }, send));
  const counts: Record<number, number> = {};
  for (const res of responses) {
    await res.body?.cancel();
    counts[res.status] = (counts[res.status] ?? 0) + 1;
  }
  return counts;
}
