import assert from "node:assert/strict";
import { ADDRESS, PROVIDERS, withFixture, withKey } from "../test_helpers.ts";

const BODY = { payment_method: "pm_card_visa", shipping_address: ADDRESS };

for (const payments of PROVIDERS) {
  Deno.test(`[${payments}] 20 concurrent requests with one key make exactly one order and one charge`, () =>
    withFixture(async (f) => {
      const [a, b] = await f.products([{ id: "a", on_hand: 10 }, { id: "b", on_hand: 10 }]);
      const token = await f.token("u1");
      await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });
      await f.call("PUT", `/checkout/cart/items/${b}`, { token, body: { quantity: 1 } });

      const replies = await Promise.all(
        Array.from(
          { length: 20 },
          () => f.call("POST", "/checkout/orders", { token, body: BODY, headers: withKey("same") }),
        ),
      );
      const statuses = replies.map((r) => r.status);
      assert.ok(statuses.every((s) => s === 201 || s === 409), `statuses ${statuses}`);
      const busy = replies.filter((r) => r.status === 409);
      assert.ok(busy.every((r) => r.body.code === "idempotency_key_in_use"));
      const done = replies.filter((r) => r.status === 201);
      assert.ok(done.length >= 1);
      assert.ok(done.every((r) => r.text === done[0].text), "every completed answer is identical");

      const orders = await f.db.query("SELECT id FROM checkout.orders WHERE user_id = $1", [
        `${f.prefix}u1`,
      ]);
      assert.equal(orders.rows.length, 1);
      assert.equal(await f.charges([orders.rows[0].id]), 1);
      assert.deepEqual(await f.stock(a), { on_hand: 8, reserved: 0 });
      assert.deepEqual(await f.stock(b), { on_hand: 9, reserved: 0 });

      // After completion: a replay answers the same body, a different body is refused.
      const replay = await f.call("POST", "/checkout/orders", {
        token,
        body: BODY,
        headers: withKey("same"),
      });
      assert.equal(replay.status, 201);
      assert.equal(replay.text, done[0].text);
      assert.equal(replay.headers.get("Idempotent-Replayed"), "true");
      assert.ok(
        done.some((r) => r.headers.get("Idempotent-Replayed") === null),
        "the first is no replay",
      );
      const other = await f.call("POST", "/checkout/orders", {
        token,
        body: { ...BODY, payment_method: "pm_card_mastercard" },
        headers: withKey("same"),
      });
      assert.equal(other.status, 422);
      assert.equal(other.body.code, "idempotency_key_reused");
    }, { payments }));
}
