/**
 * The checkout deadline rule: a request that answered with an error never
 * charges afterwards. Postgres is made to hang for real: another transaction
 * holds the product's inventory row, so phase 1 waits on its lock past the
 * request's DB_TIMEOUT_MS, and the bridge commits it later, after the client
 * got its 503 (what happened in production when the client gave up).
 */
import assert from "node:assert/strict";
// @ts-types="@types/pg"
import pg from "pg";
import { testDatabaseUrl } from "../../../tests/config.ts";
import { ADDRESS, type Fixture, withFixture, withKey } from "../test_helpers.ts";

const BODY = { payment_method: "pm_card_visa", shipping_address: ADDRESS };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function charges(f: Fixture, user: string): Promise<{ status: string; charges: number }[]> {
  const { rows } = await f.db.query(
    `SELECT o.status, (SELECT count(*)::int FROM checkout.test_provider_charges c
       WHERE c.order_id = o.id::text) AS charges
     FROM checkout.orders o WHERE o.user_id = $1`,
    [`${f.prefix}${user}`],
  );
  return rows;
}

Deno.test("an order whose request timed out on Postgres is never charged by it; a retry with the same key charges once", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    const token = await f.token("u1");
    await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 2 } });

    const blocker = new pg.Client({ connectionString: testDatabaseUrl() });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT 1 FROM checkout.inventory WHERE product_id = $1 FOR UPDATE", [a]);
      const t0 = performance.now();
      const first = await f.call("POST", "/checkout/orders", {
        token,
        body: BODY,
        headers: withKey("k"),
      });
      const ms = Math.round(performance.now() - t0);
      console.log(`  POST /checkout/orders with Postgres hung: ${first.status} after ${ms} ms`);
      assert.equal(first.status, 503, first.text);
      assert.equal(first.body.code, "service_unavailable");
      assert.ok(first.headers.get("Retry-After"));
      assert.ok(ms < 300 + 700, `${ms} ms`);
    } finally {
      await blocker.query("COMMIT");
      await blocker.end();
    }

    // The abandoned phase 1 now commits in the bridge: a pending order holds the stock...
    await sleep(300);
    await f.settle();
    assert.deepEqual(await charges(f, "u1"), [{ status: "pending", charges: 0 }]);
    assert.deepEqual(await f.stock(a), { on_hand: 5, reserved: 2 });
    // ...and stays uncharged however long nobody asks again.
    await sleep(900);
    assert.deepEqual(await charges(f, "u1"), [{ status: "pending", charges: 0 }]);

    const retry = await f.call("POST", "/checkout/orders", {
      token,
      body: BODY,
      headers: withKey("k"),
    });
    assert.equal(retry.status, 201, retry.text);
    assert.deepEqual(await charges(f, "u1"), [{ status: "paid", charges: 1 }]);
    assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 });
    const replay = await f.call("POST", "/checkout/orders", {
      token,
      body: BODY,
      headers: withKey("k"),
    });
    assert.equal(replay.status, 201);
    assert.deepEqual(replay.body, retry.body);
  }, {
    env: {
      DB_TIMEOUT_MS: "300",
      CHECKOUT_KEY_LEASE_SECONDS: "1",
      CHECKOUT_ABANDON_AFTER_SECONDS: "60",
      PAYMENT_TIMEOUT_MS: "500",
    },
  }));
