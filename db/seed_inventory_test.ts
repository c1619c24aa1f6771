import assert from "node:assert/strict";
import { withFixture } from "../functions/checkout/test_helpers.ts";
import { seedInventory } from "./seed_inventory.ts";

Deno.test("seedInventory gives every catalog product a deterministic 0-50 on_hand", () =>
  withFixture(async (f) => {
    const ids = await f.products(Array.from({ length: 20 }, (_, i) => ({ id: `p${i}` })));
    await seedInventory(f.db);
    const first = await f.db.query(
      "SELECT product_id, on_hand FROM checkout.inventory WHERE product_id = ANY($1) ORDER BY product_id",
      [ids],
    );
    assert.equal(first.rows.length, 20);
    assert.ok(first.rows.every((r) => r.on_hand >= 0 && r.on_hand <= 50));
    assert.ok(new Set(first.rows.map((r) => r.on_hand)).size > 3, "spread out");
    await f.db.query("UPDATE checkout.inventory SET on_hand = 99 WHERE product_id = ANY($1)", [
      ids,
    ]);
    await seedInventory(f.db);
    const again = await f.db.query(
      "SELECT product_id, on_hand FROM checkout.inventory WHERE product_id = ANY($1) ORDER BY product_id",
      [ids],
    );
    assert.deepEqual(again.rows, first.rows);
  }));
