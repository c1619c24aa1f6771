/**
 * POST /checkout/webhooks/stripe with events from the local Stripe server,
 * signed here the way Stripe signs them (`t=…,v1=HMAC-SHA256(secret, t.body)`),
 * independently of the SDK that verifies them.
 */
import assert from "node:assert/strict";
import { checkoutEnv } from "../env.ts";
import { defaultProvider } from "../deps.ts";
import {
  ADDRESS,
  type Fixture,
  hmacHex,
  signStripe,
  stripeSignature,
  withFixture,
  withKey,
} from "../test_helpers.ts";
import type { Obj } from "../../../dev/stripe_mock_model.ts";
import { chargeKey } from "./provider.ts";

const BODY = { payment_method: "pm_card_visa", shipping_address: ADDRESS };
const PATH = "/checkout/webhooks/stripe";
const stripe = { payments: "stripe" as const };

async function deliver(f: Fixture, event: Obj, header?: string) {
  const sig = header ?? await stripeSignature(f, event);
  return await f.call("POST", PATH, { body: event, headers: { "Stripe-Signature": sig } });
}

const eventOf = (f: Fixture, type: string) => f.stripe!.events.findLast((e) => e.type === type)!;

/** An order whose PaymentIntent Stripe made but whose answer was lost (Stripe saved a 500). */
async function pendingAfterLostAnswer(f: Fixture, card = "pm_card_visa") {
  const [a] = await f.products([{ id: "a", price_cents: 1250, on_hand: 5 }]);
  const token = await f.token("u1");
  await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });
  f.stripe!.fail({ status: 500, when: "after", path: "/v1/payment_intents" });
  const first = await f.call("POST", "/checkout/orders", {
    token,
    body: { ...BODY, payment_method: card },
    headers: withKey("k"),
  });
  assert.equal(first.status, 502, first.text);
  return { a, token, orderId: first.body.order_id as string };
}

const orderRow = async (f: Fixture, id: string) =>
  (await f.db.query("SELECT status, payment_status FROM checkout.orders WHERE id = $1", [id]))
    .rows[0];

Deno.test("a bad Stripe-Signature is 400 invalid_signature and changes nothing", () =>
  withFixture(async (f) => {
    const { a, orderId } = await pendingAfterLostAnswer(f);
    const event = eventOf(f, "payment_intent.succeeded");
    const body = JSON.stringify(event);
    const secret = f.env.STRIPE_WEBHOOK_SECRET;
    const old = Math.floor(Date.now() / 1000) - 301;
    const cases: [string, string | undefined][] = [
      ["no header", undefined],
      ["a malformed header", "v1=abc"],
      ["another secret", await signStripe("whsec_other", body)],
      ["a tampered body", await signStripe(secret, body.replace("succeeded", "succeedeX"))],
      ["a timestamp past the tolerance", await signStripe(secret, body, old)],
    ];
    for (const [name, header] of cases) {
      const res = await f.call("POST", PATH, {
        body: event,
        headers: header ? { "Stripe-Signature": header } : {},
      });
      assert.equal(res.status, 400, name);
      assert.equal(res.body.code, "invalid_signature", name);
      assert.equal(res.headers.get("Content-Type"), "application/problem+json", name);
    }
    assert.equal((await orderRow(f, orderId)).status, "pending");
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 2 });
    const { rows } = await f.db.query("SELECT 1 FROM checkout.stripe_events WHERE id = $1", [
      event.id,
    ]);
    assert.equal(rows.length, 0);
  }, stripe));

Deno.test("payment_intent.succeeded pays a pending order at once, once per event id", () =>
  withFixture(async (f) => {
    const { a, token, orderId } = await pendingAfterLostAnswer(f);
    const event = eventOf(f, "payment_intent.succeeded");
    const body = JSON.stringify(event);
    // Several v1 signatures (Stripe sends one per active secret while one is rolled).
    const t = Math.floor(Date.now() / 1000);
    const header = `t=${t},v1=${await hmacHex("whsec_old", `${t}.${body}`)},v1=${await hmacHex(
      f.env.STRIPE_WEBHOOK_SECRET,
      `${t}.${body}`,
    )}`;
    const first = await deliver(f, event, header);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body, { received: true, result: "applied" });
    assert.deepEqual(await orderRow(f, orderId), { status: "paid", payment_status: "succeeded" });
    assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 });

    const again = await deliver(f, event);
    assert.deepEqual(again.body, { received: true, result: "duplicate" });
    assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 });
    // The client's retry gets the paid order, without asking Stripe again.
    const requests = f.stripe!.requests.length;
    const retry = await f.call("POST", "/checkout/orders", {
      token,
      body: BODY,
      headers: withKey("k"),
    });
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.body.id, orderId);
    assert.equal(f.stripe!.requests.length, requests);
  }, stripe));

Deno.test("payment_intent.payment_failed releases a pending order with its decline", () =>
  withFixture(async (f) => {
    const { a, token, orderId } = await pendingAfterLostAnswer(
      f,
      "pm_card_chargeDeclinedInsufficientFunds",
    );
    const res = await deliver(f, eventOf(f, "payment_intent.payment_failed"));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await orderRow(f, orderId), {
      status: "payment_failed",
      payment_status: "failed",
    });
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
    const replay = await f.call("POST", "/checkout/orders", {
      token,
      body: { ...BODY, payment_method: "pm_card_chargeDeclinedInsufficientFunds" },
      headers: withKey("k"),
    });
    assert.equal(replay.status, 402);
    assert.equal(replay.body.decline_code, "insufficient_funds");
  }, stripe));

Deno.test("charge.refunded (a refund made in the Dashboard) cancels the paid order and returns stock", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", price_cents: 1250, on_hand: 5 }]);
    const token = await f.token("u1");
    await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });
    const paid = await f.call("POST", "/checkout/orders", {
      token,
      body: BODY,
      headers: withKey("k"),
    });
    await defaultProvider(checkoutEnv(f.env)).refund({
      idempotencyKey: "dashboard-refund",
      chargeId: f.stripe!.intents[0].id,
      amountCents: 2500,
    });
    const res = await deliver(f, eventOf(f, "charge.refunded"));
    assert.equal(res.status, 200, res.text);
    const order = await f.call("GET", `/checkout/orders/${paid.body.id}`, { token });
    assert.equal(order.body.status, "canceled");
    assert.equal(order.body.payment.status, "refunded");
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
    const cancel = await f.call("POST", `/checkout/orders/${paid.body.id}/cancel`, { token });
    assert.equal(cancel.status, 409);
    assert.equal(f.stripe!.refunds.length, 1);
  }, stripe));

Deno.test("a cancel after a refund made elsewhere (webhook missed) answers with that refund", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", price_cents: 1250, on_hand: 5 }]);
    const token = await f.token("u1");
    await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });
    const paid = await f.call("POST", "/checkout/orders", {
      token,
      body: BODY,
      headers: withKey("k"),
    });
    const { refundId } = await defaultProvider(checkoutEnv(f.env)).refund({
      idempotencyKey: "dashboard-refund",
      chargeId: f.stripe!.intents[0].id,
      amountCents: 2500,
    });
    const cancel = await f.call("POST", `/checkout/orders/${paid.body.id}/cancel`, { token });
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.body.payment.status, "refunded");
    assert.equal(f.stripe!.refunds.length, 1, "not refunded twice");
    const { rows } = await f.db.query("SELECT refund_id FROM checkout.orders WHERE id = $1", [
      paid.body.id,
    ]);
    assert.equal(rows[0].refund_id, refundId);
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
  }, stripe));

Deno.test("a charge that lands after the sweep abandoned its order is refunded by the webhook", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", price_cents: 1250, on_hand: 5 }]);
    const token = await f.token("u1");
    const admin = await f.token("root", "admin");
    await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });
    f.stripe!.fail({ status: 500, when: "before", path: "/v1/payment_intents" });
    const first = await f.call("POST", "/checkout/orders", {
      token,
      body: BODY,
      headers: withKey("k"),
    });
    await new Promise((r) => setTimeout(r, 1100));
    const swept = await f.call("POST", "/checkout/sweep", { token: admin });
    assert.ok(swept.body.released >= 1, JSON.stringify(swept.body));
    // A charge for the order still reaches Stripe (a request stuck in a queue, say).
    const orderId = first.body.order_id;
    await defaultProvider(checkoutEnv(f.env)).charge({
      idempotencyKey: chargeKey(orderId),
      orderId,
      amountCents: 2500,
      currency: "USD",
      paymentMethod: "pm_card_visa",
    });
    const res = await deliver(f, eventOf(f, "payment_intent.succeeded"));
    assert.equal(res.status, 200, res.text);
    assert.equal(f.stripe!.refunds.length, 1);
    assert.equal(f.stripe!.refunds[0].payment_intent, f.stripe!.intents[0].id);
    assert.equal((await orderRow(f, orderId)).status, "payment_failed");
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
  }, {
    ...stripe,
    env: {
      CHECKOUT_KEY_LEASE_SECONDS: "1",
      CHECKOUT_ABANDON_AFTER_SECONDS: "1",
      PAYMENT_TIMEOUT_MS: "500",
    },
  }));

Deno.test("other events are acknowledged and ignored; without Stripe configured the route is 404", async () => {
  await withFixture(async (f) => {
    const res = await deliver(f, {
      id: "evt_other",
      object: "event",
      type: "customer.created",
      data: { object: {} },
    });
    assert.deepEqual(res.body, { received: true, result: "ignored" });
  }, stripe);
  await withFixture(async (f) => {
    const res = await f.call("POST", PATH, { body: {}, headers: { "Stripe-Signature": "t=1" } });
    assert.equal(res.status, 404);
  });
});
