import assert from "node:assert/strict";
import { sqlClient } from "../../../shared/db.ts";
import { checkoutEnv } from "../env.ts";
import { type FaultPlan, withFaults } from "../payments/faults.ts";
import { chargeKey } from "../payments/provider.ts";
import { defaultProvider } from "../deps.ts";
import { registerDenoCron } from "../scheduled.ts";
import { ADDRESS, type Fixture, PROVIDERS, withFixture, withKey } from "../test_helpers.ts";
import { beginOrder } from "./begin_sql.ts";
import { requestFingerprint } from "./fingerprint.ts";

const BODY = { payment_method: "pm_card_visa", shipping_address: ADDRESS };

async function state(f: Fixture, user: string) {
  const orders = await f.db.query(
    "SELECT id, status, payment_status FROM checkout.orders WHERE user_id = $1",
    [`${f.prefix}${user}`],
  );
  return { orders: orders.rows, charges: await f.charges(orders.rows.map((o) => o.id)) };
}

for (const payments of PROVIDERS) {
  for (
    const plan of [
      { point: "before_charge", mode: "error" },
      { point: "after_charge", mode: "error" },
      { point: "after_charge", mode: "timeout", delayMs: 20 },
    ] satisfies FaultPlan[]
  ) {
    Deno.test(`[${payments}] a ${plan.mode} ${plan.point.replace("_", " ")} leaves a pending order a retry with the same key finishes`, () =>
      withFixture(async (f) => {
        const [a] = await f.products([{ id: "a", on_hand: 5 }]);
        const token = await f.token("u1");
        await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });

        const first = await f.call("POST", "/checkout/orders", {
          token,
          body: BODY,
          headers: withKey("k"),
        });
        assert.equal(first.status, plan.mode === "timeout" ? 504 : 502);
        assert.equal(first.body.code, "payment_provider_unavailable");
        const mid = await state(f, "u1");
        assert.deepEqual(mid.orders.map((o) => o.status), ["pending"]);
        assert.equal(mid.charges, plan.point === "after_charge" ? 1 : 0);
        assert.deepEqual(
          await f.stock(a),
          { on_hand: 5, reserved: 2 },
          "held for the pending order",
        );

        const retry = await f.call("POST", "/checkout/orders", {
          token,
          body: BODY,
          headers: withKey("k"),
        });
        assert.equal(retry.status, 201, retry.text);
        assert.equal(retry.body.id, first.body.order_id);
        const end = await state(f, "u1");
        assert.deepEqual(end.orders.map((o) => o.status), ["paid"]);
        assert.equal(end.charges, 1, "charged once");
        assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 });
        assert.deepEqual((await f.call("GET", "/checkout/cart", { token })).body.items, []);
      }, { payments, provider: (env) => withFaults(defaultProvider(env), plan) }));
  }
}

/** Phase 1 exactly as a request runs it, then nothing: what a process killed right after leaves. */
async function killedAfterReserving(
  f: Fixture,
  user: string,
  key: string,
  lines: [string, number][],
) {
  const env = checkoutEnv(f.env);
  const orderId = crypto.randomUUID();
  const begun = await beginOrder(sqlClient(env), {
    userId: `${f.prefix}${user}`,
    key,
    fingerprint: await requestFingerprint("POST /checkout/orders", BODY),
    lockToken: crypto.randomUUID(),
    leaseSeconds: env.CHECKOUT_KEY_LEASE_SECONDS,
    orderId,
    lines: lines.map(([product_id, quantity]) => ({ product_id, quantity })),
    paymentMethod: BODY.payment_method,
    shippingAddress: BODY.shipping_address,
  });
  assert.ok(begun.created);
  return orderId;
}

const SHORT_LEASE = {
  CHECKOUT_KEY_LEASE_SECONDS: "1",
  CHECKOUT_ABANDON_AFTER_SECONDS: "1",
  PAYMENT_TIMEOUT_MS: "500",
};
/**
 * Moves `user`'s keys past their lease and the abandon delay by backdating
 * the rows (as the prune test does), instead of sleeping for them.
 */
async function expireLeases(f: Fixture, user: string) {
  await f.db.query(
    `UPDATE checkout.idempotency_keys
     SET locked_until = now() - interval '1 second', last_run_at = now() - interval '1 hour'
     WHERE user_id = $1`,
    [`${f.prefix}${user}`],
  );
}

for (const payments of PROVIDERS) {
  Deno.test(`[${payments}] a key whose process died is 409 in use until its lease ends, then a retry resumes it`, () =>
    withFixture(async (f) => {
      const [a] = await f.products([{ id: "a", on_hand: 5 }]);
      const token = await f.token("u1");
      const orderId = await killedAfterReserving(f, "u1", "k", [[a, 2]]);
      const busy = await f.call("POST", "/checkout/orders", {
        token,
        body: BODY,
        headers: withKey("k"),
      });
      assert.equal(busy.status, 409);
      assert.equal(busy.body.code, "idempotency_key_in_use");
      await expireLeases(f, "u1");
      const resumed = await f.call("POST", "/checkout/orders", {
        token,
        body: BODY,
        headers: withKey("k"),
      });
      assert.equal(resumed.status, 201, resumed.text);
      assert.equal(resumed.body.id, orderId);
      assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 });
    }, { payments, env: SHORT_LEASE }));

  Deno.test(`[${payments}] the sweep releases an abandoned, never-charged order and marks a charged one paid`, () =>
    withFixture(async (f) => {
      const [a, b] = await f.products([{ id: "a", on_hand: 5 }, { id: "b", on_hand: 5 }]);
      const token = await f.token("u1");
      const admin = await f.token("root", "admin");
      const uncharged = await killedAfterReserving(f, "u1", "k1", [[a, 2]]);
      const charged = await killedAfterReserving(f, "u1", "k2", [[b, 3]]);
      // The second process got as far as charging, then died.
      const provider = defaultProvider(checkoutEnv(f.env));
      await provider.charge({
        idempotencyKey: chargeKey(charged),
        orderId: charged,
        amountCents: 3000,
        currency: "USD",
        paymentMethod: "pm_card_visa",
      });
      assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 2 });

      const early = await f.call("POST", "/checkout/sweep", { token: admin });
      assert.equal(early.body.released + early.body.paid, 0, "too young to be abandoned");
      assert.equal((await f.call("POST", "/checkout/sweep", { token })).status, 403);
      await expireLeases(f, "u1");
      const swept = await f.call("POST", "/checkout/sweep", { token: admin });
      assert.equal(swept.status, 200);
      assert.ok(swept.body.released >= 1 && swept.body.paid >= 1, JSON.stringify(swept.body));

      assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 }, "released");
      assert.deepEqual(await f.stock(b), { on_hand: 2, reserved: 0 }, "committed");
      const one = await f.call("GET", `/checkout/orders/${uncharged}`, { token });
      assert.equal(one.body.status, "payment_failed");
      assert.equal(one.body.payment.status, "canceled");
      const two = await f.call("GET", `/checkout/orders/${charged}`, { token });
      assert.equal(two.body.status, "paid");

      // A late retry gets the outcome, and never charges again.
      const late1 = await f.call("POST", "/checkout/orders", {
        token,
        body: BODY,
        headers: withKey("k1"),
      });
      assert.equal(late1.status, 409);
      assert.equal(late1.body.code, "order_abandoned");
      const late2 = await f.call("POST", "/checkout/orders", {
        token,
        body: BODY,
        headers: withKey("k2"),
      });
      assert.equal(late2.status, 201);
      assert.deepEqual(late2.body, two.body);
      assert.equal((await state(f, "u1")).charges, 1);
    }, { payments, env: SHORT_LEASE }));
}

Deno.test("the sweep prunes finished keys past the retention and keeps younger ones", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    const token = await f.token("u1");
    const admin = await f.token("root", "admin");
    for (const key of ["old", "new"]) {
      await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 1 } });
      await f.call("POST", "/checkout/orders", { token, body: BODY, headers: withKey(key) });
    }
    await f.db.query(
      "UPDATE checkout.idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = $1 AND idempotency_key = 'old'",
      [`${f.prefix}u1`],
    );
    const swept = await f.call("POST", "/checkout/sweep", { token: admin });
    assert.ok(swept.body.pruned >= 1);
    const { rows } = await f.db.query(
      "SELECT idempotency_key FROM checkout.idempotency_keys WHERE user_id = $1",
      [`${f.prefix}u1`],
    );
    assert.deepEqual(rows.map((r) => r.idempotency_key), ["new"]);
  }));

for (const payments of PROVIDERS) {
  Deno.test(`[${payments}] the Workers cron handler runs the sweep and releases an abandoned reservation`, () =>
    withFixture(async (f) => {
      const [a] = await f.products([{ id: "a", on_hand: 5 }]);
      await killedAfterReserving(f, "u1", "k1", [[a, 2]]);
      assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 2 });
      await expireLeases(f, "u1");
      const work: Promise<unknown>[] = [];
      const worker = (await import("../main.ts")).default;
      worker.scheduled({}, f.env, { waitUntil: (p) => work.push(p) });
      const [result] = await Promise.all(work) as { released: number }[];
      assert.ok(result.released >= 1, JSON.stringify(result));
      assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
    }, { payments, env: SHORT_LEASE }));
}

Deno.test("on Deno Deploy the same entry registers Deno.cron, whose job runs the sweep", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    await killedAfterReserving(f, "u1", "k1", [[a, 2]]);
    await expireLeases(f, "u1");
    const jobs: { name: string; schedule: string; run: () => Promise<void> }[] = [];
    const host = {
      cron: (name: string, schedule: string, run: () => Promise<void>) =>
        jobs.push({ name, schedule, run }),
      env: { toObject: () => f.env },
    };
    assert.equal(registerDenoCron({ env: host.env }), false, "no Deno.cron: nothing registered");
    assert.equal(registerDenoCron(host), true);
    assert.equal(jobs[0].schedule, "*/5 * * * *");
    await jobs[0].run();
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 0 });
  }, { env: SHORT_LEASE }));
