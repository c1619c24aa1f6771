/**
 * PAYMENT_PROVIDER=stripe against the local Stripe-compatible server
 * (dev/stripe_mock.ts): what is sent to Stripe, and how Stripe's failures
 * (500, 429, a late answer) and 3-D Secure reach the order flow. The
 * provider-independent contract, oversell, idempotency, fault and sweep tests
 * run with this provider too (PROVIDERS in test_helpers.ts).
 */
import assert from "node:assert/strict";
import { ADDRESS, type Fixture, withFixture, withKey } from "../test_helpers.ts";
import { serviceEnv } from "../../../tests/config.ts";
import { authTestEnv } from "../../../tests/auth_helpers.ts";
import type { EnvError } from "../../../shared/env.ts";
import { createCheckoutApp } from "../app.ts";
import { checkoutEnv } from "../env.ts";
import { defaultProvider } from "../deps.ts";
import { chargeKey, PaymentProviderError, refundKey } from "./provider.ts";

const BODY = { payment_method: "pm_card_visa", shipping_address: ADDRESS };
const SHORT_LEASE = {
  CHECKOUT_KEY_LEASE_SECONDS: "1",
  CHECKOUT_ABANDON_AFTER_SECONDS: "1",
  PAYMENT_TIMEOUT_MS: "300",
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One product with 5 units, 2 of them in the user's cart; returns the product id and token. */
async function cartOfTwo(f: Fixture) {
  const [a] = await f.products([{ id: "a", price_cents: 1250, on_hand: 5 }]);
  const token = await f.token("u1");
  await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });
  return { a, token };
}

const order = (f: Fixture, token: string, key: string, body: unknown = BODY) =>
  f.call("POST", "/checkout/orders", { token, body, headers: withKey(key) });

Deno.test("a charge is one confirmed PaymentIntent keyed by the order id; a cancel one keyed refund", () =>
  withFixture(async (f) => {
    const { a, token } = await cartOfTwo(f);
    const paid = await order(f, token, "k");
    assert.equal(paid.status, 201, paid.text);
    const [create] = f.stripe!.requests.filter((r) => r.path === "/v1/payment_intents");
    assert.equal(create.key, chargeKey(paid.body.id));
    assert.deepEqual(create.form, {
      amount: "2500",
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: "true",
      error_on_requires_action: "true",
      automatic_payment_methods: { enabled: "false" },
      metadata: { order_id: paid.body.id },
    });

    const canceled = await f.call("POST", `/checkout/orders/${paid.body.id}/cancel`, { token });
    assert.equal(canceled.status, 200, canceled.text);
    assert.equal(canceled.body.payment.status, "refunded");
    const [refund] = f.stripe!.requests.filter((r) => r.path === "/v1/refunds");
    assert.equal(refund.key, refundKey(paid.body.id));
    assert.deepEqual(refund.form, { payment_intent: f.stripe!.intents[0].id, amount: "2500" });
    assert.equal(f.stripe!.refunds.length, 1);
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
  }, { payments: "stripe" }));

Deno.test("Stripe 429 and a 500 before the endpoint ran are 502; the retry charges once", () =>
  withFixture(async (f) => {
    const { a, token } = await cartOfTwo(f);
    for (const status of [429, 500] as const) {
      f.stripe!.fail({ status, when: "before" });
      const first = await order(f, token, "k");
      assert.equal(first.status, 502, first.text);
      assert.equal(first.body.code, "payment_provider_unavailable");
      assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 2 }, "held while unknown");
    }
    const retry = await order(f, token, "k");
    assert.equal(retry.status, 201, retry.text);
    assert.equal(f.stripe!.intents.length, 1);
    assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 });
  }, { payments: "stripe" }));

Deno.test("a 500 Stripe saved on the key replays on every retry; the sweep asks Stripe and finishes", () =>
  withFixture(async (f) => {
    const { a, token } = await cartOfTwo(f);
    const admin = await f.token("root", "admin");
    // The PaymentIntent succeeded, but Stripe answered 500 and saved that answer on the key.
    f.stripe!.fail({ status: 500, when: "after", path: "/v1/payment_intents" });
    assert.equal((await order(f, token, "k")).status, 502);
    const again = await order(f, token, "k");
    assert.equal(again.status, 502, "Stripe replays its saved 500");
    assert.equal(f.stripe!.intents.length, 1);
    assert.equal(f.stripe!.intents[0].status, "succeeded");

    await sleep(1100);
    const swept = await f.call("POST", "/checkout/sweep", { token: admin });
    assert.ok(swept.body.paid >= 1, JSON.stringify(swept.body));
    assert.ok(f.stripe!.requests.some((r) => r.path === "/v1/payment_intents/search"));
    const late = await order(f, token, "k");
    assert.equal(late.status, 201, late.text);
    assert.equal(late.body.status, "paid");
    assert.equal(f.stripe!.intents.length, 1, "charged once");
    assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 });
  }, { payments: "stripe", env: SHORT_LEASE }));

Deno.test("an answer later than PAYMENT_TIMEOUT_MS is 504; a retry after it landed gets the charge", () =>
  withFixture(async (f) => {
    const { a, token } = await cartOfTwo(f);
    f.stripe!.delay(700);
    const first = await order(f, token, "k");
    assert.equal(first.status, 504, first.text);
    assert.equal(first.body.code, "payment_provider_unavailable");
    // Stripe is still working on the key: 409 from Stripe, so the outcome is still unknown.
    const busy = await order(f, token, "k");
    assert.equal(busy.status, 502, busy.text);
    await sleep(700);
    const retry = await order(f, token, "k");
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.body.id, first.body.order_id);
    assert.equal(f.stripe!.intents.length, 1);
    assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 });
  }, { payments: "stripe", env: SHORT_LEASE }));

Deno.test("3-D Secure is 402 authentication_required with no stock reserved; other declines map to the contract", () =>
  withFixture(async (f) => {
    const { a, token } = await cartOfTwo(f);
    for (
      const [card, code] of [
        ["pm_card_threeDSecure2Required", "authentication_required"],
        ["pm_card_chargeDeclinedStolenCard", "generic_decline"],
      ]
    ) {
      const res = await order(f, token, `k-${card}`, { ...BODY, payment_method: card });
      assert.equal(res.status, 402, res.text);
      assert.equal(res.body.decline_code, code);
      assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
      const kept = await f.call("GET", `/checkout/orders/${res.body.order_id}`, { token });
      assert.equal(kept.body.status, "payment_failed");
    }
  }, { payments: "stripe" }));

Deno.test("a refund Stripe could not make leaves the order paid; the retried cancel refunds once", () =>
  withFixture(async (f) => {
    const { a, token } = await cartOfTwo(f);
    const paid = await order(f, token, "k");
    f.stripe!.fail({ status: 500, when: "before", path: "/v1/refunds" });
    const failed = await f.call("POST", `/checkout/orders/${paid.body.id}/cancel`, { token });
    assert.equal(failed.status, 502, failed.text);
    assert.equal(
      (await f.call("GET", `/checkout/orders/${paid.body.id}`, { token })).body.status,
      "paid",
    );
    const retried = await f.call("POST", `/checkout/orders/${paid.body.id}/cancel`, { token });
    assert.equal(retried.status, 200, retried.text);
    assert.equal(f.stripe!.refunds.length, 1);
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
  }, { payments: "stripe" }));

Deno.test("a pm_ id the test provider does not know is 400; one Stripe refuses is a 402 at once", async () => {
  for (const payments of ["test", "stripe"] as const) {
    await withFixture(async (f) => {
      const { a, token } = await cartOfTwo(f);
      const res = await order(f, token, "k", { ...BODY, payment_method: "pm_1NoSuchMethod" });
      if (payments === "test") {
        assert.equal(res.status, 400);
        assert.equal(res.body.errors[0].path, "payment_method");
        return;
      }
      assert.ok(f.stripe!.requests.some((r) => r.form.payment_method === "pm_1NoSuchMethod"));
      // Stripe answered 400 for the payment method and created nothing: a decline, stock back now.
      assert.equal(res.status, 402, res.text);
      assert.equal(res.body.decline_code, "generic_decline");
      assert.equal(f.stripe!.intents.length, 0);
      assert.ok(
        f.stripe!.requests.some((r) => r.path === "/v1/payment_intents/search"),
        "checked that no earlier attempt charged the order",
      );
      assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
    }, { payments });
  }
});

Deno.test("PAYMENT_PROVIDER has no default, test only runs locally, stripe needs its keys; errors name them, never values", () => {
  const env = serviceEnv("checkout", { ...authTestEnv(), PAYMENT_PROVIDER: "stripe" });
  const secret = "sk_live_not_a_real_key_0123456789";
  const cases: [Record<string, string>, string[]][] = [
    [{ ...env, PAYMENT_PROVIDER: "" }, ["PAYMENT_PROVIDER"]],
    // The test provider on a real Neon database (no local bridge): a deployment taking test money.
    [{ ...env, PAYMENT_PROVIDER: "test", NEON_HTTP_ENDPOINT: "" }, ["PAYMENT_PROVIDER"]],
    [env, ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]],
    [{ ...env, STRIPE_SECRET_KEY: secret, STRIPE_WEBHOOK_SECRET: "whsec_x" }, [
      "CHECKOUT_ABANDON_AFTER_SECONDS",
    ]],
  ];
  for (const [bad, names] of cases) {
    for (const [k, v] of Object.entries(bad)) if (v === "") delete bad[k];
    // The real Stripe with a 60 s abandon window: its search could miss a charge.
    if (names[0] === "CHECKOUT_ABANDON_AFTER_SECONDS") bad.CHECKOUT_ABANDON_AFTER_SECONDS = "60";
    assert.throws(() => checkoutEnv(bad), (err: EnvError) => {
      assert.deepEqual(err.variables.sort(), names);
      assert.ok(!err.message.includes(secret));
      return true;
    });
  }
});

Deno.test("a checkout without PAYMENT_PROVIDER answers 503 misconfigured naming it", () =>
  withFixture(async (f) => {
    const { PAYMENT_PROVIDER: _, ...env } = f.env;
    const res = await createCheckoutApp().request("/checkout/cart", {
      headers: { Authorization: `Bearer ${await f.token("u1")}` },
    }, env);
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.equal(body.code, "misconfigured");
    assert.ok(JSON.stringify(body).includes("PAYMENT_PROVIDER"));
  }));

Deno.test("Stripe idempotency through the provider: a key replays its PaymentIntent, other parameters are refused", () =>
  withFixture(async (f) => {
    const provider = defaultProvider(checkoutEnv(f.env));
    const orderId = crypto.randomUUID();
    const req = {
      idempotencyKey: chargeKey(orderId),
      orderId,
      amountCents: 2500,
      currency: "USD",
      paymentMethod: "pm_card_visa",
    };
    const first = await provider.charge(req);
    assert.deepEqual(await provider.charge(req), first);
    assert.equal(f.stripe!.intents.length, 1);
    await assert.rejects(
      provider.charge({ ...req, amountCents: 2600 }),
      (err: PaymentProviderError) => err instanceof PaymentProviderError && !err.retryable,
    );
    assert.deepEqual(await provider.findCharge(req.idempotencyKey, orderId), first);
    const other = crypto.randomUUID();
    assert.equal(await provider.findCharge(chargeKey(other), other), null);
  }, { payments: "stripe" }));
