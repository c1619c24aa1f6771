import assert from "node:assert/strict";
import { baseEnvSchema, parseEnv } from "../shared/env.ts";
import { sqlClient } from "../shared/db.ts";
import { serviceEnv } from "../tests/config.ts";

const sqlAs = (service: "auth" | "search" | "checkout") =>
  sqlClient(parseEnv(baseEnvSchema, serviceEnv(service)));

async function denied(query: Promise<unknown>): Promise<void> {
  await assert.rejects(query, (err: { code?: string }) => {
    assert.equal(err.code, "42501", "insufficient_privilege");
    return true;
  });
}

Deno.test("a service role cannot write another service's tables", async (t) => {
  const search = sqlAs("search");
  const checkout = sqlAs("checkout");
  const auth = sqlAs("auth");
  await t.step(
    "search cannot write checkout.inventory",
    () => denied(search`INSERT INTO checkout.inventory (product_id, on_hand) VALUES ('x', 1)`),
  );
  await t.step(
    "checkout cannot write catalog.products",
    () => denied(checkout`UPDATE catalog.products SET price_cents = 0`),
  );
  await t.step(
    "auth cannot write catalog.products",
    () => denied(auth`DELETE FROM catalog.products`),
  );
  await t.step("search and checkout cannot read or write auth.users", async () => {
    await denied(search`SELECT email FROM auth.users`);
    await denied(checkout`UPDATE auth.users SET role = 'admin'`);
  });
  await t.step("search cannot create tables in another schema or in public", async () => {
    await denied(search`CREATE TABLE checkout.evil (id int)`);
    await denied(search`CREATE TABLE public.evil (id int)`);
  });
});

Deno.test("a cross-service read works only through the view the owner grants", async (t) => {
  const search = sqlAs("search");
  const checkout = sqlAs("checkout");
  await t.step("search reads checkout.stock_levels", async () => {
    assert.ok(
      Array.isArray(await search`SELECT product_id, available FROM checkout.stock_levels LIMIT 1`),
    );
  });
  await t.step(
    "search cannot read checkout.inventory directly",
    () => denied(search`SELECT * FROM checkout.inventory`),
  );
  await t.step("checkout reads catalog.product_prices", async () => {
    assert.ok(
      Array.isArray(await checkout`SELECT id, price_cents FROM catalog.product_prices LIMIT 1`),
    );
  });
  await t.step(
    "checkout cannot read catalog.products directly",
    () => denied(checkout`SELECT * FROM catalog.products`),
  );
});
