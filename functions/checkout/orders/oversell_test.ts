import assert from "node:assert/strict";
import { ADDRESS, PROVIDERS, withFixture, withKey } from "../test_helpers.ts";

const CLIENTS = 200;
const PRODUCTS = 10;

/** A small seeded PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const payments of PROVIDERS) {
  Deno.test(`[${payments}] oversell: ${CLIENTS} concurrent clients never buy more than the stock, all-or-nothing`, () =>
    withFixture(async (f) => {
      const seed = Number(Deno.env.get("OVERSELL_SEED") ?? Date.now() % 100_000);
      const rand = prng(seed);
      const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
      const start = Array.from({ length: PRODUCTS }, () => int(5, 20));
      const ids = await f.products(
        start.map((on_hand, i) => ({ id: `p${i}`, price_cents: 100 + i, on_hand })),
      );

      const clients = await Promise.all(Array.from({ length: CLIENTS }, async (_, n) => {
        const lines = new Map<string, number>();
        for (let k = int(1, 4); k > 0; k--) lines.set(ids[int(0, PRODUCTS - 1)], int(1, 4));
        // One in ten pays with a declining card: its reservation must come back.
        const card = rand() < 0.1 ? "pm_card_chargeDeclinedInsufficientFunds" : "pm_card_visa";
        return { user: `c${n}`, token: await f.token(`c${n}`), lines, card };
      }));
      for (const c of clients) {
        await Promise.all(
          [...c.lines].map(([id, quantity]) =>
            f.call("PUT", `/checkout/cart/items/${id}`, { token: c.token, body: { quantity } })
          ),
        );
      }

      const t0 = performance.now();
      const replies = await Promise.all(clients.map((c) =>
        f.call("POST", "/checkout/orders", {
          token: c.token,
          headers: withKey(`order-${c.user}`),
          body: { payment_method: c.card, shipping_address: ADDRESS },
        })
      ));
      const elapsed = performance.now() - t0;
      const statuses = replies.map((r) => r.status);
      assert.ok(
        statuses.every((s) => [201, 402, 409].includes(s)),
        `seed ${seed}: statuses ${statuses}`,
      );
      assert.ok(
        replies.filter((r) => r.status === 409).every((r) => r.body.code === "insufficient_stock"),
      );

      const sold = new Map<string, number>();
      for (const [i, c] of clients.entries()) {
        const res = replies[i];
        const want = [...c.lines].map(([product_id, quantity]) => ({ product_id, quantity }))
          .sort((x, y) => x.product_id.localeCompare(y.product_id));
        if (res.status === 201) {
          // All lines, exactly as in the cart.
          assert.deepEqual(
            res.body.items.map((l: { product_id: string; quantity: number }) => ({
              product_id: l.product_id,
              quantity: l.quantity,
            })),
            want,
          );
          for (const { product_id, quantity } of want) {
            sold.set(product_id, (sold.get(product_id) ?? 0) + quantity);
          }
        }
      }
      // Nothing but the 201s and 402s wrote an order; 409s wrote none.
      const { rows } = await f.db.query(
        "SELECT status, count(*)::int AS n FROM checkout.orders WHERE user_id LIKE $1 GROUP BY status",
        [`${f.prefix}%`],
      );
      const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      assert.equal(byStatus.paid ?? 0, statuses.filter((s) => s === 201).length);
      assert.equal(byStatus.payment_failed ?? 0, statuses.filter((s) => s === 402).length);
      assert.equal(byStatus.pending, undefined, "no reservation left without an outcome");

      for (const [i, id] of ids.entries()) {
        const stock = await f.stock(id);
        const units = sold.get(id) ?? 0;
        assert.ok(units <= start[i], `seed ${seed}: ${id} sold ${units} of ${start[i]}`);
        assert.deepEqual(stock, { on_hand: start[i] - units, reserved: 0 }, `seed ${seed}: ${id}`);
      }
      console.log(
        `oversell seed ${seed}: ${statuses.filter((s) => s === 201).length} paid, ` +
          `${statuses.filter((s) => s === 402).length} declined, ${
            statuses.filter((s) => s === 409).length
          } short, ` +
          `${Math.round(elapsed)} ms for ${CLIENTS} orders`,
      );
    }, {
      // 200 orders at once queue on the locks of 10 inventory rows and on the
      // bridges: on a busy CI machine the last ones wait longer than a request's
      // default deadlines and get 503. This test is about the stock invariant,
      // not latency (deadline_test.ts and tests/outage_test.ts cover the
      // deadlines), so it allows them all to finish.
      payments,
      env: { DB_TIMEOUT_MS: "20000", REDIS_TIMEOUT_MS: "20000" },
    }));
}
