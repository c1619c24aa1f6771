/**
 * Issue 9, items 5 and 6: a NUL character or an unpaired UTF-16 surrogate in
 * any body field, query or path parameter is 400 `validation_failed` naming
 * the field (shared/text.ts), never a 500 and never stored altered. Each
 * case is a route the issue saw fail, run in-process against real
 * Postgres and Redis.
 */
import assert from "node:assert/strict";
import { createAuthApp } from "../functions/auth/app.ts";
import { fixture } from "../functions/checkout/test_helpers.ts";
import {
  authHeaders,
  cleanup,
  runToken,
  searchTestSetup,
} from "../functions/search/test_helpers.ts";
import { authTestEnv } from "./auth_helpers.ts";
import { serviceEnv } from "./config.ts";

const NUL = "a\u0000b";
const LONE = "a\ud800b";

/** Asserts a 400 validation_failed problem whose errors name `path`. */
async function assertRefused(res: Response, path: string) {
  const body = await res.json();
  assert.equal(res.status, 400, JSON.stringify(body));
  assert.equal(res.headers.get("Content-Type"), "application/problem+json");
  assert.equal(body.code, "validation_failed");
  assert.equal(body.status, 400);
  assert.ok(
    body.errors.some((e: { path: string }) => e.path === path),
    `errors name "${path}": ${JSON.stringify(body.errors)}`,
  );
}

Deno.test("auth refuses NUL and lone surrogates in signup and login fields", async (t) => {
  const app = createAuthApp();
  const env = serviceEnv("auth", authTestEnv());
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }, env);
  const email = `hostile.${crypto.randomUUID().slice(0, 8)}@example.com`;
  for (const [label, bad] of [["NUL", NUL], ["lone surrogate", LONE]]) {
    await t.step(`signup name with a ${label}`, async () => {
      await assertRefused(
        await post("/auth/signup", { email, password: "correct horse battery", name: bad }),
        "name",
      );
    });
    await t.step(`signup and login password with a ${label}`, async () => {
      await assertRefused(
        await post("/auth/signup", { email, password: `correct horse ${bad}` }),
        "password",
      );
      await assertRefused(
        await post("/auth/login", { email, password: `correct horse ${bad}` }),
        "password",
      );
    });
  }
  await t.step(
    "a password that differs only by U+FFFD vs a lone surrogate cannot collide",
    async () => {
      // The U+FFFD spelling is an ordinary password; the lone-surrogate one never reaches the hash.
      const ok = await post("/auth/signup", { email, password: "correct horse \ufffd" });
      assert.equal(ok.status, 201, await ok.text());
      await assertRefused(
        await post("/auth/login", { email, password: "correct horse \ud800" }),
        "password",
      );
      const login = await post("/auth/login", { email, password: "correct horse \ufffd" });
      assert.equal(login.status, 200);
      await login.body?.cancel();
    },
  );
});

Deno.test("search refuses NUL and lone surrogates in queries, paths and product fields", async (t) => {
  const { request } = searchTestSetup();
  const admin = await authHeaders("admin");
  const prefix = `hostile-${runToken()}-`;
  try {
    for (const [label, raw] of [["%00", "a%00b"], ["lone surrogate", "a%ED%A0%80b"]]) {
      for (const param of ["q", "category", "brand"]) {
        await t.step(`GET /search/products ${param} with ${label}`, async () => {
          await assertRefused(await request(`/search/products?${param}=${raw}`), param);
        });
      }
      await t.step(`GET /search/suggest q with ${label}`, async () => {
        await assertRefused(await request(`/search/suggest?q=${raw}`), "q");
      });
      await t.step(`GET /search/products/:id with ${label}`, async () => {
        await assertRefused(await request(`/search/products/${raw}`), "id");
      });
    }
    await t.step("invalid UTF-8 percent-encoding (%FF) is refused, not kept as text", async () => {
      await assertRefused(await request(`/search/products?q=%FF`), "q");
    });
    const product = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      name: "Hostile text test",
      price_cents: 100,
      ...extra,
    });
    for (const [label, bad] of [["NUL", NUL], ["lone surrogate", LONE]]) {
      for (const field of ["name", "description", "brand"]) {
        await t.step(`POST, PUT and PATCH ${field} with a ${label}`, async () => {
          const body = JSON.stringify(product(`${prefix}x`, { [field]: bad }));
          await assertRefused(
            await request("/search/products", { method: "POST", headers: admin, body }),
            field,
          );
          await assertRefused(
            await request(`/search/products/${prefix}x`, { method: "PUT", headers: admin, body }),
            field,
          );
          await assertRefused(
            await request(`/search/products/${prefix}x`, {
              method: "PATCH",
              headers: admin,
              body: JSON.stringify({ [field]: bad }),
            }),
            field,
          );
        });
      }
      await t.step(`categories with a ${label}`, async () => {
        const body = JSON.stringify(product(`${prefix}x`, { categories: ["ok", bad] }));
        await assertRefused(
          await request("/search/products", { method: "POST", headers: admin, body }),
          "categories.1",
        );
      });
    }
    await t.step("bulk: the bad items get an error entry, the others are written", async () => {
      const res = await request("/search/products/bulk", {
        method: "POST",
        headers: admin,
        body: JSON.stringify({
          products: [
            product(`${prefix}1`),
            product(`${prefix}2`, { name: NUL }),
            product(`${prefix}3`, { description: LONE }),
            product(`${prefix}4`),
          ],
        }),
      });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.created, 2);
      assert.deepEqual(body.errors.map((e: { index: number; code: string }) => [e.index, e.code]), [
        [1, "validation_failed"],
        [2, "validation_failed"],
      ]);
      for (const id of [`${prefix}1`, `${prefix}4`]) {
        const got = await request(`/search/products/${id}`);
        assert.equal(got.status, 200);
        await got.body?.cancel();
      }
    });
  } finally {
    await cleanup(prefix);
  }
});

Deno.test("checkout refuses NUL and lone surrogates in shipping_address and paths", async (t) => {
  const f = await fixture();
  try {
    const token = await f.token("user");
    const address = { name: "Sam", line1: "1 Main St", city: "Springfield", postal_code: "1" };
    for (const [label, bad] of [["NUL", NUL], ["lone surrogate", LONE]]) {
      for (const field of ["name", "line1", "line2", "city", "postal_code"]) {
        await t.step(`shipping_address.${field} with a ${label}`, async () => {
          const res = await f.call("POST", "/checkout/orders", {
            token,
            headers: { "Idempotency-Key": crypto.randomUUID() },
            body: {
              payment_method: "pm_card_visa",
              shipping_address: { ...address, country: "US", [field]: bad },
            },
          });
          assert.equal(res.status, 400, res.text);
          assert.equal(res.body.code, "validation_failed");
          assert.ok(
            res.body.errors.some((e: { path: string }) => e.path === `shipping_address.${field}`),
            res.text,
          );
        });
      }
    }
    for (const [label, raw] of [["%00", "a%00b"], ["lone surrogate", "a%ED%A0%80b"]]) {
      await t.step(`DELETE /checkout/cart/items/:product_id with ${label}`, async () => {
        const res = await f.call("DELETE", `/checkout/cart/items/${raw}`, { token });
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.errors[0].path, "product_id");
      });
      await t.step(`GET /checkout/orders cursor with ${label}`, async () => {
        const res = await f.call("GET", `/checkout/orders?cursor=${raw}`, { token });
        assert.equal(res.status, 400, res.text);
        assert.equal(res.body.errors[0].path, "cursor");
      });
    }
  } finally {
    await f.close();
  }
});
