import assert from "node:assert/strict";
import { ADDRESS, type Fixture, PROVIDERS, withFixture, withKey } from "../test_helpers.ts";

const BODY = { payment_method: "pm_card_visa", shipping_address: ADDRESS };

async function fill(f: Fixture, token: string, lines: [string, number][]) {
  for (const [id, quantity] of lines) {
    const res = await f.call("PUT", `/checkout/cart/items/${id}`, { token, body: { quantity } });
    assert.equal(res.status, 200);
  }
}

const order = (f: Fixture, token: string, key: string, body: unknown = BODY) =>
  f.call("POST", "/checkout/orders", { token, body, headers: withKey(key) });

Deno.test("POST /checkout/orders charges, commits stock, empties the cart and answers 201", () =>
  withFixture(async (f) => {
    const [a, b] = await f.products([{ id: "a", price_cents: 1250, on_hand: 10 }, {
      id: "b",
      price_cents: 99,
      on_hand: 3,
    }]);
    const token = await f.token("u1");
    await fill(f, token, [[a, 2], [b, 3]]);
    const res = await order(f, token, "k1");
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("Content-Type"), "application/json");
    const o = res.body;
    assert.equal(o.status, "paid");
    assert.deepEqual(o.items, [
      {
        product_id: a,
        name: "Product a",
        unit_price_cents: 1250,
        quantity: 2,
        line_total_cents: 2500,
      },
      {
        product_id: b,
        name: "Product b",
        unit_price_cents: 99,
        quantity: 3,
        line_total_cents: 297,
      },
    ]);
    assert.equal(o.subtotal_cents, 2797);
    assert.equal(o.total_cents, 2797);
    assert.equal(o.currency, "USD");
    assert.deepEqual(o.shipping_address, ADDRESS);
    assert.deepEqual(o.payment, { method: "pm_card_visa", status: "succeeded" });
    assert.match(o.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    assert.deepEqual(await f.stock(a), { on_hand: 8, reserved: 0 });
    assert.deepEqual(await f.stock(b), { on_hand: 0, reserved: 0 });
    assert.deepEqual((await f.call("GET", "/checkout/cart", { token })).body.items, []);
    const { rows } = await f.db.query(
      "SELECT amount_cents, status FROM checkout.test_provider_charges WHERE order_id = $1",
      [o.id],
    );
    assert.deepEqual(rows, [{ amount_cents: 2797, status: "succeeded" }]);

    // Replay: same status, same bytes, no new order or charge, whatever the cart holds now.
    const replay = await order(f, token, "k1");
    assert.equal(replay.status, 201);
    assert.equal(replay.text, res.text);
    const fetched = await f.call("GET", `/checkout/orders/${o.id}`, { token });
    assert.deepEqual(fetched.body, o);
  }));

Deno.test("POST /checkout/orders rejects requests before doing any work", async (t) => {
  await withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    const token = await f.token("u1");
    await fill(f, token, [[a, 1]]);
    const cases: [string, Record<string, string>, unknown, number, string][] = [
      ["no Idempotency-Key", {}, BODY, 400, "idempotency_key_required"],
      ["an empty Idempotency-Key", withKey(""), BODY, 400, "idempotency_key_required"],
      ["a 256-character key", withKey("x".repeat(256)), BODY, 400, "idempotency_key_required"],
      [
        "an unknown payment method",
        withKey("v1"),
        { ...BODY, payment_method: "pm_card_amex" },
        400,
        "validation_failed",
      ],
      [
        "a missing address",
        withKey("v2"),
        { payment_method: "pm_card_visa" },
        400,
        "validation_failed",
      ],
      [
        "a bad country",
        withKey("v3"),
        { ...BODY, shipping_address: { ...ADDRESS, country: "gb" } },
        400,
        "validation_failed",
      ],
    ];
    for (const [name, headers, body, status, code] of cases) {
      await t.step(`${name} gives ${status} ${code}`, async () => {
        const res = await f.call("POST", "/checkout/orders", { token, body, headers });
        assert.equal(res.status, status);
        assert.equal(res.body.code, code);
      });
    }
    await t.step("no token gives 401", async () => {
      const res = await f.call("POST", "/checkout/orders", { body: BODY, headers: withKey("v4") });
      assert.equal(res.status, 401);
    });
    await t.step("a 255-character key is accepted", async () => {
      const res = await order(f, token, "y".repeat(255));
      assert.equal(res.status, 201);
    });
  });
});

Deno.test("POST /checkout/orders with an empty cart gives 422 cart_empty, replayed as such", () =>
  withFixture(async (f) => {
    const token = await f.token("u1");
    const res = await order(f, token, "k-empty");
    assert.equal(res.status, 422);
    assert.equal(res.body.code, "cart_empty");
    assert.equal(res.headers.get("Content-Type"), "application/problem+json");
    assert.equal((await order(f, token, "k-empty")).text, res.text);
  }));

Deno.test("insufficient stock gives 409 listing every short line and reserves nothing", () =>
  withFixture(async (f) => {
    const [a, b, c, d] = await f.products([
      { id: "a", on_hand: 5 },
      { id: "b", on_hand: 1 },
      { id: "c", on_hand: 0 },
      { id: "d" }, // no inventory row at all
    ]);
    const token = await f.token("u1");
    await fill(f, token, [[a, 2], [b, 2], [c, 1], [d, 4]]);
    const res = await order(f, token, "k-short");
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "insufficient_stock");
    assert.deepEqual(res.body.items, [
      { product_id: b, requested: 2, available: 1 },
      { product_id: c, requested: 1, available: 0 },
      { product_id: d, requested: 4, available: 0 },
    ]);
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
    assert.deepEqual(await f.stock(b), { on_hand: 1, reserved: 0 });
    const { rows } = await f.db.query(
      "SELECT count(*)::int AS n FROM checkout.orders WHERE user_id = $1",
      [
        `${f.prefix}u1`,
      ],
    );
    assert.equal(rows[0].n, 0);
    assert.equal(
      (await f.call("GET", "/checkout/cart", { token })).body.items.length,
      4,
      "the cart is kept",
    );
  }));

Deno.test("the same key with a different body gives 422 idempotency_key_reused", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    const token = await f.token("u1");
    await fill(f, token, [[a, 1]]);
    assert.equal((await order(f, token, "k")).status, 201);
    const other = await order(f, token, "k", { ...BODY, payment_method: "pm_card_mastercard" });
    assert.equal(other.status, 422);
    assert.equal(other.body.code, "idempotency_key_reused");
    // Key order and whitespace do not make a different body.
    const reordered = { shipping_address: { ...ADDRESS }, payment_method: "pm_card_visa" };
    assert.equal((await order(f, token, "k", reordered)).status, 201);
    // Keys are per user: another user's identical key is a new request.
    const bob = await f.token("bob");
    await fill(f, bob, [[a, 1]]);
    assert.equal((await order(f, bob, "k")).status, 201);
  }));

for (const payments of PROVIDERS) {
  Deno.test(`[${payments}] each declining test card gives 402 with its decline_code and releases the stock`, async (t) => {
    await withFixture(async (f) => {
      const [a] = await f.products([{ id: "a", on_hand: 4 }]);
      const token = await f.token("u1");
      const cards: [string, string][] = [
        ["pm_card_chargeDeclined", "generic_decline"],
        ["pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"],
        ["pm_card_chargeDeclinedExpiredCard", "expired_card"],
        ["pm_card_chargeDeclinedProcessingError", "processing_error"],
      ];
      for (const [card, code] of cards) {
        await t.step(`${card} → ${code}`, async () => {
          await fill(f, token, [[a, 4]]);
          const res = await order(f, token, `k-${card}`, { ...BODY, payment_method: card });
          assert.equal(res.status, 402);
          assert.equal(res.body.code, "payment_declined");
          assert.equal(res.body.decline_code, code);
          assert.deepEqual(await f.stock(a), { on_hand: 4, reserved: 0 });
          const kept = await f.call("GET", `/checkout/orders/${res.body.order_id}`, { token });
          assert.equal(kept.body.status, "payment_failed");
          assert.deepEqual(kept.body.payment, {
            method: card,
            status: "failed",
            decline_code: code,
          });
          assert.equal(
            (await f.call("GET", "/checkout/cart", { token })).body.items.length,
            1,
            "cart kept",
          );
          assert.equal(
            (await order(f, token, `k-${card}`, { ...BODY, payment_method: card })).text,
            res.text,
          );
        });
      }
      await t.step("pm_card_mastercard succeeds", async () => {
        const res = await order(f, token, "k-mc", {
          ...BODY,
          payment_method: "pm_card_mastercard",
        });
        assert.equal(res.status, 201);
        assert.deepEqual(await f.stock(a), { on_hand: 0, reserved: 0 });
      });
    }, { payments });
  });
}
