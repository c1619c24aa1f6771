import assert from "node:assert/strict";
import { redisClient } from "../../../shared/redis.ts";
import { checkoutEnv } from "../env.ts";
import { withFixture } from "../test_helpers.ts";
import { CART_TTL_SECONDS, cartKey } from "./store.ts";

Deno.test("GET /checkout/cart answers 401 without a token", () =>
  withFixture(async (f) => {
    const res = await f.call("GET", "/checkout/cart");
    assert.equal(res.status, 401);
    assert.equal(res.body.code, "unauthorized");
    assert.match(res.headers.get("WWW-Authenticate") ?? "", /^Bearer/);
  }));

Deno.test("cart lines are priced from the catalog with stock, and a PUT of 0 removes", () =>
  withFixture(async (f) => {
    const [a, b] = await f.products([
      { id: "a", price_cents: 1250, on_hand: 7 },
      { id: "b", price_cents: 300 },
    ]);
    const token = await f.token("u1");
    const empty = await f.call("GET", "/checkout/cart", { token });
    assert.deepEqual(empty.body, { items: [], subtotal_cents: 0, currency: "USD" });

    await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });
    const put = await f.call("PUT", `/checkout/cart/items/${b}`, { token, body: { quantity: 3 } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, {
      items: [
        {
          product_id: a,
          name: "Product a",
          unit_price_cents: 1250,
          quantity: 2,
          line_total_cents: 2500,
          available: 7,
        },
        {
          product_id: b,
          name: "Product b",
          unit_price_cents: 300,
          quantity: 3,
          line_total_cents: 900,
          available: 0,
        },
      ],
      subtotal_cents: 3400,
      currency: "USD",
    });

    // The price is read at read time: a catalog change shows at once.
    await f.db.query("UPDATE catalog.products SET price_cents = 1000 WHERE id = $1", [a]);
    const repriced = await f.call("GET", "/checkout/cart", { token });
    assert.equal(repriced.body.subtotal_cents, 2900);

    const removed = await f.call("PUT", `/checkout/cart/items/${b}`, {
      token,
      body: { quantity: 0 },
    });
    assert.deepEqual(removed.body.items.map((i: { product_id: string }) => i.product_id), [a]);

    const ttl = await redisClient(checkoutEnv(f.env)).ttl(
      cartKey(f.env.REDIS_PREFIX, `${f.prefix}u1`),
    );
    assert.ok(ttl > CART_TTL_SECONDS - 60 && ttl <= CART_TTL_SECONDS, `TTL ${ttl}`);
  }));

Deno.test("PUT /checkout/cart/items/:id rejects unknown products and bad quantities", async (t) => {
  await withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 1 }]);
    const token = await f.token("u1");
    const cases: [string, string, unknown, number, string][] = [
      ["an unknown product", `${f.prefix}nope`, { quantity: 1 }, 404, "product_not_found"],
      ["quantity 100", a, { quantity: 100 }, 400, "validation_failed"],
      ["quantity -1", a, { quantity: -1 }, 400, "validation_failed"],
      ["quantity 1.5", a, { quantity: 1.5 }, 400, "validation_failed"],
      ["a missing quantity", a, {}, 400, "validation_failed"],
      ["a malformed product id", "bad%20id", { quantity: 1 }, 400, "validation_failed"],
    ];
    for (const [name, id, body, status, code] of cases) {
      await t.step(`${name} gives ${status} ${code}`, async () => {
        const res = await f.call("PUT", `/checkout/cart/items/${id}`, { token, body });
        assert.equal(res.status, status);
        assert.equal(res.body.code, code);
      });
    }
    const cart = await f.call("GET", "/checkout/cart", { token });
    assert.deepEqual(cart.body.items, [], "a rejected PUT leaves nothing behind");
    const raw = await redisClient(checkoutEnv(f.env)).hgetall(
      cartKey(f.env.REDIS_PREFIX, `${f.prefix}u1`),
    );
    assert.equal(raw, null);
  });
});

Deno.test("DELETE item and DELETE cart; a product gone from the catalog drops out of the view", () =>
  withFixture(async (f) => {
    const [a, b, c] = await f.products([{ id: "a", on_hand: 1 }, { id: "b", on_hand: 1 }, {
      id: "c",
    }]);
    const token = await f.token("u1");
    for (const id of [a, b, c]) {
      await f.call("PUT", `/checkout/cart/items/${id}`, { token, body: { quantity: 1 } });
    }

    await f.db.query("DELETE FROM catalog.products WHERE id = $1", [c]);
    const view = await f.call("GET", "/checkout/cart", { token });
    assert.deepEqual(view.body.items.map((i: { product_id: string }) => i.product_id), [a, b]);

    const del = await f.call("DELETE", `/checkout/cart/items/${a}`, { token });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body.items.map((i: { product_id: string }) => i.product_id), [b]);
    const again = await f.call("DELETE", `/checkout/cart/items/${a}`, { token });
    assert.equal(again.status, 200, "deleting an absent line is fine");

    const clear = await f.call("DELETE", "/checkout/cart", { token });
    assert.equal(clear.status, 204);
    assert.equal(clear.text, "");
    assert.deepEqual((await f.call("GET", "/checkout/cart", { token })).body.items, []);
  }));

Deno.test("carts are per user", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    const alice = await f.token("alice");
    const bob = await f.token("bob");
    await f.call("PUT", `/checkout/cart/items/${a}`, { token: alice, body: { quantity: 2 } });
    assert.deepEqual((await f.call("GET", "/checkout/cart", { token: bob })).body.items, []);
  }));
