import assert from "node:assert/strict";
import { freePort } from "../../dev/ports.ts";
import { countTrips } from "../../tests/round_trips.ts";
import { authHeaders, cleanup, runToken, searchTestSetup } from "./test_helpers.ts";

const R = runToken();
const P = `ca-${R}`;

/** A response's headers without the ones that differ by request (its id, its timings). */
const sameHeaders = (res: Response) =>
  [...res.headers].filter(([name]) => !["x-request-id", "server-timing"].includes(name));

Deno.test("search cache: a hit is one Redis round trip and no Postgres; a miss is one of each plus a write", async () => {
  const { env, request, settle } = searchTestSetup({ LOG_LEVEL: "debug" });
  const admin = await authHeaders("admin");
  const path = `/search/products?q=cachetest${R}&limit=5`;
  try {
    const created = await request("/search/products", {
      method: "POST",
      headers: admin,
      // Non-ASCII and JSON-escaped characters: a hit serves the stored bytes unaltered.
      body: JSON.stringify({
        id: `${P}-1`,
        name: `Cachetest${R} lämp "☕" \\ naïve`,
        price_cents: 100,
      }),
    });
    assert.equal(created.status, 201);

    let missRes!: Response, missBody!: Record<string, unknown>, missText!: string;
    const miss = await countTrips(env, async () => {
      missRes = await request(path);
      missText = await missRes.text();
      missBody = JSON.parse(missText);
      await settle();
    });
    assert.equal(missRes.headers.get("Server-Timing")?.includes('cache;desc="miss"'), true);
    assert.equal(miss.postgres, 1, "one Postgres round trip");
    assert.equal(miss.redis, 2, "one lookup and one background write");
    assert.equal(missBody.total, 1);

    let hitRes!: Response, hitText!: string;
    const hit = await countTrips(env, async () => {
      hitRes = await request(`/search/products?limit=5&q=CacheTest${R}%20`);
      hitText = await hitRes.text();
    });
    assert.match(hitRes.headers.get("Server-Timing") ?? "", /cache;desc="hit"/);
    assert.equal(hit.postgres, 0, "no Postgres on a hit");
    assert.equal(hit.redis, 1, "exactly one Redis round trip on a hit");
    // Byte for byte the miss's body, but for this request's own took_ms at the end.
    const tookless = (text: string) => text.replace(/,"took_ms":\d+}$/, "}");
    assert.match(hitText, /,"took_ms":\d+}$/);
    assert.equal(tookless(hitText), tookless(missText));
    assert.match(hitText, /lämp \\"☕\\" \\\\ naïve/);
    // A hit answers exactly as the miss did: status and every header but its own id and timings.
    assert.equal(hitRes.status, missRes.status);
    assert.deepEqual(sameHeaders(hitRes), sameHeaders(missRes));

    // A write bumps the catalog version: the next search misses and sees it.
    const patched = await request(`/search/products/${P}-1`, {
      method: "PATCH",
      headers: admin,
      body: JSON.stringify({ price_cents: 4242 }),
    });
    assert.equal(patched.status, 200);
    const after = await request(path);
    assert.match(after.headers.get("Server-Timing") ?? "", /cache;desc="miss"/);
    assert.equal((await after.json()).hits[0].price_cents, 4242);
  } finally {
    await cleanup(P);
  }
});

Deno.test("search cache: a long request (many filters) is cached under its hash and hits like a short one", async () => {
  const { request, settle } = searchTestSetup({ LOG_LEVEL: "debug" });
  const admin = await authHeaders("admin");
  const brands = Array.from({ length: 30 }, (_, i) => `brand-${R}-${i}`);
  const query = `q=longkey${R}&${brands.map((b) => `brand=${b}`).join("&")}`;
  try {
    const created = await request("/search/products", {
      method: "POST",
      headers: admin,
      body: JSON.stringify({
        id: `${P}-2`,
        name: `Longkey${R} lamp`,
        brand: brands[7],
        price_cents: 100,
      }),
    });
    assert.equal(created.status, 201);
    const miss = await request(`/search/products?${query}`);
    assert.match(miss.headers.get("Server-Timing") ?? "", /cache;desc="miss"/);
    const missBody = await miss.json();
    assert.equal(missBody.total, 1);
    await settle();
    // The same request, parameters reordered and the query cased differently: the same entry.
    const reordered = `${brands.reverse().map((b) => `brand=${b}`).join("&")}&q=LongKey${R}`;
    const hit = await request(`/search/products?${reordered}`);
    assert.match(hit.headers.get("Server-Timing") ?? "", /cache;desc="hit"/);
    assert.deepEqual({ ...await hit.json(), took_ms: 0 }, { ...missBody, took_ms: 0 });
    assert.deepEqual(sameHeaders(hit), sameHeaders(miss));
  } finally {
    await cleanup(P);
  }
});

Deno.test("search cache: with Redis down, search still answers from Postgres and says bypass", async () => {
  const closedPort = freePort();
  const { env, request } = searchTestSetup({
    UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${closedPort}`,
    LOG_LEVEL: "debug", // Server-Timing shows the cache outcome only at debug (or to admins)
  });
  let res!: Response;
  const { postgres } = await countTrips(env, async () => {
    res = await request(`/search/products?q=anything${R}`);
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Server-Timing") ?? "", /cache;desc="bypass"/);
  assert.equal((await res.json()).total, 0);
  assert.equal(postgres, 1);
  const suggest = await request(`/search/suggest?q=anything${R}`);
  assert.equal(suggest.status, 200);
  assert.match(suggest.headers.get("Server-Timing") ?? "", /cache;desc="bypass"/);
  await suggest.body?.cancel();
});

Deno.test("search cache: a Redis that never answers is abandoned after SEARCH_REDIS_TIMEOUT_MS (bypass)", async () => {
  // Accepts connections and says nothing, as a hung Redis would.
  const port = freePort();
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    const { request } = searchTestSetup({
      UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}`,
      SEARCH_REDIS_TIMEOUT_MS: "100",
      LOG_LEVEL: "debug",
    });
    const started = performance.now();
    const res = await request(`/search/products?q=hung${R}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("Server-Timing") ?? "", /cache;desc="bypass"/);
    assert.equal((await res.json()).total, 0);
    // The lookup's deadline, not REDIS_TIMEOUT_MS (10 s under tests/run.ts) or a fetch's own.
    assert.ok(performance.now() - started < 5000, `answered in ${performance.now() - started} ms`);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
  }
});

Deno.test("GET /search/openapi.json documents the search and admin routes", async () => {
  const { request } = searchTestSetup();
  const doc = await (await request("/search/openapi.json")).json();
  assert.ok(doc.paths["/search/products"].get);
  assert.ok(doc.paths["/search/products"].post);
  assert.ok(doc.paths["/search/products/{id}"].patch);
  assert.ok(doc.paths["/search/products/bulk"].post);
  assert.ok(doc.paths["/search/suggest"].get);
  const health = await (await request("/search/health")).json();
  assert.deepEqual(health, { status: "ok", service: "search" });
});
