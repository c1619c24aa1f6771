import assert from "node:assert/strict";
import { catalogVersionKey } from "../../../shared/catalog_version.ts";
import { redisClient } from "../../../shared/redis.ts";
import { checkoutEnv } from "../env.ts";
import { ADDRESS, withFixture } from "../test_helpers.ts";

Deno.test("inventory routes are admin only", async (t) => {
  await withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 3 }]);
    const customer = await f.token("c");
    for (const method of ["GET", "PUT"]) {
      await t.step(`${method} without a token gives 401`, async () => {
        const res = await f.call(method, `/checkout/inventory/${a}`, {
          body: method === "PUT" ? { on_hand: 1 } : undefined,
        });
        assert.equal(res.status, 401);
      });
      await t.step(`${method} as a customer gives 403 forbidden`, async () => {
        const res = await f.call(method, `/checkout/inventory/${a}`, {
          token: customer,
          body: method === "PUT" ? { on_hand: 1 } : undefined,
        });
        assert.equal(res.status, 403);
        assert.equal(res.body.code, "forbidden");
      });
    }
  });
});

Deno.test("GET/PUT /checkout/inventory/:id read and set stock", async (t) => {
  await withFixture(async (f) => {
    const [a, b] = await f.products([{ id: "a", on_hand: 3 }, { id: "b" }]);
    const admin = await f.token("admin", "admin");
    await t.step("GET answers on_hand, reserved and available", async () => {
      const res = await f.call("GET", `/checkout/inventory/${a}`, { token: admin });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { product_id: a, on_hand: 3, reserved: 0, available: 3 });
    });
    await t.step("GET for a product without an inventory row gives 404", async () => {
      const res = await f.call("GET", `/checkout/inventory/${b}`, { token: admin });
      assert.equal(res.status, 404);
      assert.equal(res.body.code, "not_found");
    });
    await t.step("PUT creates the row for a catalog product", async () => {
      const res = await f.call("PUT", `/checkout/inventory/${b}`, {
        token: admin,
        body: { on_hand: 12 },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { product_id: b, on_hand: 12, reserved: 0, available: 12 });
    });
    await t.step("PUT for a product not in the catalog gives 404 product_not_found", async () => {
      const res = await f.call("PUT", `/checkout/inventory/${f.prefix}ghost`, {
        token: admin,
        body: { on_hand: 1 },
      });
      assert.equal(res.status, 404);
      assert.equal(res.body.code, "product_not_found");
    });
    for (const body of [{ on_hand: -1 }, { on_hand: 1.5 }, {}, { on_hand: "3" }]) {
      await t.step(`PUT ${JSON.stringify(body)} gives 400 validation_failed`, async () => {
        const res = await f.call("PUT", `/checkout/inventory/${a}`, { token: admin, body });
        assert.equal(res.status, 400);
        assert.equal(res.body.code, "validation_failed");
      });
    }
  });
});

Deno.test("PUT on_hand below what pending orders reserved gives 409 on_hand_below_reserved", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    await f.db.query("UPDATE checkout.inventory SET reserved = 3 WHERE product_id = $1", [a]);
    const admin = await f.token("admin", "admin");
    const res = await f.call("PUT", `/checkout/inventory/${a}`, {
      token: admin,
      body: { on_hand: 2 },
    });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "on_hand_below_reserved");
    assert.equal(res.body.reserved, 3);
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 3 });
    const ok = await f.call("PUT", `/checkout/inventory/${a}`, {
      token: admin,
      body: { on_hand: 3 },
    });
    assert.deepEqual(ok.body, { product_id: a, on_hand: 3, reserved: 3, available: 0 });
  }));

Deno.test("a stock change that flips availability across 0 bumps the catalog version", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 0 }]);
    const admin = await f.token("admin", "admin");
    const redis = redisClient(checkoutEnv(f.env));
    const version = async () => Number(await redis.get(catalogVersionKey(f.env.REDIS_PREFIX)) ?? 0);
    const put = async (on_hand: number) => {
      await f.call("PUT", `/checkout/inventory/${a}`, { token: admin, body: { on_hand } });
      await f.settle();
      return version();
    };
    assert.equal(await put(0), 0, "0 → 0: no flip");
    assert.equal(await put(2), 1, "0 → 2: back in stock");
    assert.equal(await put(5), 1, "2 → 5: still in stock");

    // An order that takes the last units flips it out of stock; a decline flips it back.
    const user = await f.token("u1");
    await f.call("PUT", `/checkout/cart/items/${a}`, { token: user, body: { quantity: 5 } });
    const declined = await f.call("POST", "/checkout/orders", {
      token: user,
      headers: { "Idempotency-Key": "k" },
      body: { payment_method: "pm_card_chargeDeclined", shipping_address: ADDRESS },
    });
    assert.equal(declined.status, 402);
    await f.settle();
    assert.equal(await version(), 3, "reserved to 0, then released");
  }));
