import assert from "node:assert/strict";
import { countTrips as count } from "../../../tests/round_trips.ts";
import { TEST_PROVIDER_APP_NAME } from "../payments/test_provider.ts";
import { ADDRESS, type Fixture, stripeSignature, withFixture, withKey } from "../test_helpers.ts";

/** Round trips of `work` and its background jobs; the test provider's own queries are the payment network's. */
async function countTrips(f: Fixture, work: () => Promise<unknown>) {
  return await count(f.env, async () => {
    await work();
    await f.settle();
  }, (conn) => conn.includes(`application_name=${TEST_PROVIDER_APP_NAME}`));
}

Deno.test("round trips: an order takes 2 to Postgres and 2 to Redis besides the provider (session check included); a cart read 1 and 1", () =>
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
    // The session check goes first: the cart write (MULTI/EXEC) cannot carry it.
    assert.deepEqual(put, { postgres: 1, redis: 2, provider: 0, other: 0 });
    await f.call("PUT", `/checkout/cart/items/${b}`, { token, body: { quantity: 1 } });

    const read = await countTrips(f, async () => {
      assert.equal((await f.call("GET", "/checkout/cart", { token })).body.items.length, 2);
    });
    // The session check rides with the cart read: still one Redis request.
    assert.deepEqual(read, { postgres: 1, redis: 1, provider: 0, other: 0 });

    const placed = await countTrips(f, async () => {
      const res = await f.call("POST", "/checkout/orders", {
        token,
        headers: withKey("k"),
        body: { payment_method: "pm_card_visa", shipping_address: ADDRESS },
      });
      assert.equal(res.status, 201);
    });
    assert.deepEqual(placed, { postgres: 2, redis: 2, provider: 1, other: 0 });

    const replay = await countTrips(f, async () => {
      const res = await f.call("POST", "/checkout/orders", {
        token,
        headers: withKey("k"),
        body: { payment_method: "pm_card_visa", shipping_address: ADDRESS },
      });
      assert.equal(res.status, 201);
    });
    assert.deepEqual(replay, { postgres: 1, redis: 1, provider: 0, other: 0 });

    // Postgres-first routes check the session in one Redis request of its own, before acting.
    let orderId = "";
    const list = await countTrips(f, async () => {
      const res = await f.call("GET", "/checkout/orders", { token });
      orderId = res.body.orders[0].id;
    });
    assert.deepEqual(list, { postgres: 1, redis: 1, provider: 0, other: 0 });
    const cancel = await countTrips(f, async () => {
      assert.equal(
        (await f.call("POST", `/checkout/orders/${orderId}/cancel`, { token })).status,
        200,
      );
    });
    assert.deepEqual(cancel, { postgres: 2, redis: 1, provider: 1, other: 0 });
    const admin = await f.token("admin", "admin");
    const stock = await countTrips(f, async () => {
      assert.equal((await f.call("GET", `/checkout/inventory/${a}`, { token: admin })).status, 200);
    });
    assert.deepEqual(stock, { postgres: 1, redis: 1, provider: 0, other: 0 });
  }));

Deno.test("round trips with Stripe: an order is 2 + 2 and one Stripe call; a webhook 3 to Postgres", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 50 }]);
    const token = await f.token("u1");
    await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });
    // Stripe's HTTPS calls are the "other" requests here.
    const placed = await countTrips(f, async () => {
      const res = await f.call("POST", "/checkout/orders", {
        token,
        headers: withKey("k"),
        body: { payment_method: "pm_card_visa", shipping_address: ADDRESS },
      });
      assert.equal(res.status, 201, res.text);
    });
    assert.deepEqual(placed, { postgres: 2, redis: 2, provider: 0, other: 1 });

    const event = f.stripe!.events.find((e) => e.type === "payment_intent.succeeded")!;
    const hook = await countTrips(f, async () => {
      const res = await f.call("POST", "/checkout/webhooks/stripe", {
        body: event,
        headers: { "Stripe-Signature": await stripeSignature(f, event) },
      });
      assert.equal(res.status, 200, res.text);
    });
    assert.deepEqual(hook, { postgres: 3, redis: 0, provider: 0, other: 0 });
  }, { payments: "stripe" }));
