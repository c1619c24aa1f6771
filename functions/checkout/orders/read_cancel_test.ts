import assert from "node:assert/strict";
import { ADDRESS, type Fixture, withFixture, withKey } from "../test_helpers.ts";

const BODY = { payment_method: "pm_card_visa", shipping_address: ADDRESS };

async function buy(
  f: Fixture,
  token: string,
  id: string,
  quantity: number,
  key = crypto.randomUUID(),
) {
  await f.call("PUT", `/checkout/cart/items/${id}`, { token, body: { quantity } });
  const res = await f.call("POST", "/checkout/orders", {
    token,
    body: BODY,
    headers: withKey(key),
  });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

Deno.test("GET /checkout/orders lists own orders newest first with a keyset cursor", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 50 }]);
    const token = await f.token("u1");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await buy(f, token, a, 1)).id);
    const other = await f.token("u2");
    await buy(f, other, a, 1);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const res = await f.call("GET", `/checkout/orders${q}`, { token });
      assert.equal(res.status, 200);
      seen.push(...res.body.orders.map((o: { id: string }) => o.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    assert.deepEqual(seen, ids.reverse());
    assert.equal(pages, 3);

    const all = await f.call("GET", "/checkout/orders", { token });
    assert.equal(all.body.orders.length, 5);
    assert.equal(all.body.next_cursor, null);
  }));

Deno.test("GET /checkout/orders rejects a bad limit or cursor with 400", async (t) => {
  await withFixture(async (f) => {
    const token = await f.token("u1");
    const cases: [string, string][] = [
      ["?limit=0", "validation_failed"],
      ["?limit=101", "validation_failed"],
      ["?limit=abc", "validation_failed"],
      ["?cursor=not-a-cursor", "invalid_cursor"],
    ];
    for (const [q, code] of cases) {
      await t.step(`${q} gives 400 ${code}`, async () => {
        const res = await f.call("GET", `/checkout/orders${q}`, { token });
        assert.equal(res.status, 400);
        assert.equal(res.body.code, code);
      });
    }
    assert.equal((await f.call("GET", "/checkout/orders")).status, 401);
  });
});

Deno.test("GET /checkout/orders/:id: someone else's order is 404, an admin sees any", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    const alice = await f.token("alice");
    const order = await buy(f, alice, a, 1);
    const bob = await f.token("bob");
    const admin = await f.token("root", "admin");
    assert.equal(
      (await f.call("GET", `/checkout/orders/${order.id}`, { token: alice })).status,
      200,
    );
    const theirs = await f.call("GET", `/checkout/orders/${order.id}`, { token: bob });
    assert.equal(theirs.status, 404);
    assert.equal(theirs.body.code, "not_found");
    assert.deepEqual(
      (await f.call("GET", `/checkout/orders/${order.id}`, { token: admin })).body,
      order,
    );
    assert.equal(
      (await f.call("GET", "/checkout/orders/not-a-uuid", { token: alice })).status,
      404,
    );
    assert.equal(
      (await f.call("GET", `/checkout/orders/${crypto.randomUUID()}`, { token: alice })).status,
      404,
    );
    assert.equal(
      (await f.call("POST", `/checkout/orders/${order.id}/cancel`, { token: bob })).status,
      404,
    );
  }));

Deno.test("POST /checkout/orders/:id/cancel refunds, returns stock, and only from paid", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 3 }]);
    const token = await f.token("u1");
    const order = await buy(f, token, a, 3);
    assert.deepEqual(await f.stock(a), { on_hand: 0, reserved: 0 });

    const res = await f.call("POST", `/checkout/orders/${order.id}/cancel`, { token });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, "canceled");
    assert.deepEqual(res.body.payment, { method: "pm_card_visa", status: "refunded" });
    assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 });
    const { rows } = await f.db.query(
      "SELECT refund_id IS NOT NULL AS refunded FROM checkout.test_provider_charges WHERE order_id = $1",
      [order.id],
    );
    assert.deepEqual(rows, [{ refunded: true }]);

    const twice = await f.call("POST", `/checkout/orders/${order.id}/cancel`, { token });
    assert.equal(twice.status, 409);
    assert.equal(twice.body.code, "invalid_state");
    // The problem's own status stays the numeric HTTP status; the order's is a member of its own.
    assert.equal(twice.body.status, 409);
    assert.equal(twice.body.order_status, "canceled");
    assert.deepEqual(await f.stock(a), { on_hand: 3, reserved: 0 }, "stock returned once");

    await f.call("PUT", `/checkout/cart/items/${a}`, { token, body: { quantity: 1 } });
    const declined = await f.call("POST", "/checkout/orders", {
      token,
      headers: withKey("d"),
      body: { ...BODY, payment_method: "pm_card_chargeDeclined" },
    });
    const failed = await f.call("POST", `/checkout/orders/${declined.body.order_id}/cancel`, {
      token,
    });
    assert.equal(failed.status, 409, "payment_failed cannot be canceled");
  }));

Deno.test("the database refuses status moves outside pending → paid → canceled / pending → payment_failed", async (t) => {
  await withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    const token = await f.token("u1");
    const order = await buy(f, token, a, 1);
    for (const to of ["pending", "payment_failed"]) {
      await t.step(`paid → ${to} fails`, async () => {
        await assert.rejects(
          f.db.query("UPDATE checkout.orders SET status = $2 WHERE id = $1", [order.id, to]),
          /Cannot move order/,
        );
      });
    }
    await t.step("an order cannot be created as paid", async () => {
      await assert.rejects(
        f.db.query(
          `INSERT INTO checkout.orders (id, user_id, status, subtotal_cents, total_cents, shipping_address, payment_method)
           VALUES (gen_random_uuid(), $1, 'paid', 0, 0, '{}', 'pm_card_visa')`,
          [`${f.prefix}u1`],
        ),
        /must start as pending/,
      );
    });
  });
});

Deno.test("GET /checkout/orders?scope=all lists every customer's orders for an admin only", () =>
  withFixture(async (f) => {
    const [a] = await f.products([{ id: "a", on_hand: 5 }]);
    const alice = await f.token("alice");
    const bob = await f.token("bob");
    const mine = await buy(f, alice, a, 1);
    const theirs = await buy(f, bob, a, 1);
    const admin = await f.token("root", "admin");
    const all = await f.call("GET", "/checkout/orders?scope=all&limit=100", { token: admin });
    assert.equal(all.status, 200);
    const ids = all.body.orders.map((o: { id: string }) => o.id);
    assert.ok(ids.indexOf(theirs.id) < ids.indexOf(mine.id) && ids.indexOf(mine.id) >= 0);
    const own = await f.call("GET", "/checkout/orders?scope=own", { token: alice });
    assert.deepEqual(own.body.orders.map((o: { id: string }) => o.id), [mine.id]);
    const refused = await f.call("GET", "/checkout/orders?scope=all", { token: alice });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "forbidden");
  }));
