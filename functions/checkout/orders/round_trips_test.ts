import assert from "node:assert/strict";
import { TEST_PROVIDER_APP_NAME } from "../payments/test_provider.ts";
import { ADDRESS, type Fixture, withFixture, withKey } from "../test_helpers.ts";

interface Trips {
  postgres: number;
  redis: number;
  /** The test payment provider's own Postgres requests: the payment network, not the service. */
  provider: number;
}

/** Counts the HTTP requests `work` sends to the Neon and Upstash endpoints. */
async function countTrips(f: Fixture, work: () => Promise<unknown>): Promise<Trips> {
  const trips: Trips = { postgres: 0, redis: 0, provider: 0 };
  const real = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(f.env.NEON_HTTP_ENDPOINT)) {
      const conn = new Headers(init?.headers).get("Neon-Connection-String") ?? "";
      if (conn.includes(`application_name=${TEST_PROVIDER_APP_NAME}`)) trips.provider++;
      else trips.postgres++;
    } else if (url.startsWith(f.env.UPSTASH_REDIS_REST_URL)) {
      trips.redis++;
    }
    return real(input, init);
  };
  try {
    await work();
    await f.settle();
  } finally {
    globalThis.fetch = real;
  }
  return trips;
}

Deno.test("round trips: an order takes 2 to Postgres and 2 to Redis besides the provider; a cart read 1 and 1", () =>
  withFixture(async (f) => {
    const [a, b] = await f.products([{ id: "a", on_hand: 50 }, { id: "b", on_hand: 50 }]);
    const token = await f.token("u1");
    const put = await countTrips(f, async () => {
      const res = await f.call("PUT", `/checkout/cart/items/${a}`, {
        token,
        body: { quantity: 2 },
      });
      assert.equal(res.status, 200);
    });
    assert.deepEqual(put, { postgres: 1, redis: 1, provider: 0 });
    await f.call("PUT", `/checkout/cart/items/${b}`, { token, body: { quantity: 1 } });

    const read = await countTrips(f, async () => {
      assert.equal((await f.call("GET", "/checkout/cart", { token })).body.items.length, 2);
    });
    assert.deepEqual(read, { postgres: 1, redis: 1, provider: 0 });

    const placed = await countTrips(f, async () => {
      const res = await f.call("POST", "/checkout/orders", {
        token,
        headers: withKey("k"),
        body: { payment_method: "pm_card_visa", shipping_address: ADDRESS },
      });
      assert.equal(res.status, 201);
    });
    assert.deepEqual(placed, { postgres: 2, redis: 2, provider: 1 });

    const replay = await countTrips(f, async () => {
      const res = await f.call("POST", "/checkout/orders", {
        token,
        headers: withKey("k"),
        body: { payment_method: "pm_card_visa", shipping_address: ADDRESS },
      });
      assert.equal(res.status, 201);
    });
    assert.deepEqual(replay, { postgres: 1, redis: 1, provider: 0 });
  }));
