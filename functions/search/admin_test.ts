import assert from "node:assert/strict";
import { authHeaders, cleanup, runToken, searchTestSetup } from "./test_helpers.ts";

const R = runToken();
const P = `ad-${R}`;
const { request } = searchTestSetup();

const product = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Gizmo ${R}`,
  brand: "Gizmoco",
  categories: [`Admin ${R}`],
  price_cents: 1999,
  ...extra,
});

const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });

Deno.test("admin routes answer 401, 403 and 400 before touching the catalog", async (t) => {
  const customer = await authHeaders("customer");
  const admin = await authHeaders("admin");
  const anonymous = { "Content-Type": "application/json" };
  const routes: [string, string, unknown][] = [
    ["POST", "/search/products", product(`${P}-x`)],
    ["PUT", `/search/products/${P}-x`, product(`${P}-x`)],
    ["PATCH", `/search/products/${P}-x`, { price_cents: 1 }],
    ["DELETE", `/search/products/${P}-x`, undefined],
    ["POST", "/search/products/bulk", { products: [product(`${P}-x`)] }],
  ];
  for (const [method, path, body] of routes) {
    await t.step(
      `${method} ${path.replace(P, ":id")} without a token is 401, as a customer 403`,
      async () => {
        const none = await send(method, path, anonymous, body);
        assert.equal(none.status, 401);
        assert.equal((await none.json()).code, "unauthorized");
        assert.match(none.headers.get("WWW-Authenticate") ?? "", /^Bearer/);
        const bad = await send(method, path, {
          ...anonymous,
          Authorization: "Bearer nope.nope.nope",
        }, body);
        assert.equal(bad.status, 401);
        await bad.body?.cancel();
        const forbidden = await send(method, path, customer, body);
        assert.equal(forbidden.status, 403);
        assert.equal((await forbidden.json()).code, "forbidden");
      },
    );
  }
  const invalid: [string, string, unknown, string][] = [
    ["POST", "/search/products", { ...product(`${P}-x`), price_cents: 1.5 }, "price_cents"],
    ["POST", "/search/products", { ...product("bad id!") }, "id"],
    ["PUT", `/search/products/${P}-x`, { ...product(`${P}-x`), name: "" }, "name"],
    ["PUT", `/search/products/${P}-x`, product(`${P}-other`), "id"],
    ["PATCH", `/search/products/${P}-x`, { rating: 7 }, "rating"],
    ["POST", "/search/products/bulk", { products: Array(1001).fill({}) }, "products"],
  ];
  for (const [method, path, body, field] of invalid) {
    await t.step(
      `${method} ${path.replace(P, ":id")} with a bad "${field}" is 400 validation_failed`,
      async () => {
        const res = await send(method, path, admin, body);
        assert.equal(res.status, 400);
        const problem = await res.json();
        assert.equal(problem.code, "validation_failed");
        assert.ok(
          problem.errors.some((e: { path: string }) => e.path === field),
          JSON.stringify(problem.errors),
        );
      },
    );
  }
  await t.step("malformed JSON is 400 invalid_json", async () => {
    const res = await request("/search/products", {
      method: "POST",
      headers: admin,
      body: "{nope",
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).code, "invalid_json");
  });
});

Deno.test("admin writes: create, replace, patch, delete, and each is visible to the next search", async (t) => {
  const admin = await authHeaders("admin");
  const id = `${P}-one`;
  const hits = async (q: string) => {
    const res = await request(
      `/search/products?q=${encodeURIComponent(q)}&category=${encodeURIComponent(`Admin ${R}`)}`,
    );
    return (await res.json()).hits as { id: string; name: string; price_cents: number }[];
  };
  try {
    // Warm the cache with the empty result first: the write must invalidate it.
    assert.deepEqual(await hits(`gizmo ${R}`), []);

    await t.step("POST creates (201) and a second POST is 409 already_exists", async () => {
      const res = await send(
        "POST",
        "/search/products",
        admin,
        product(id, { rating: 4.5, image_url: "https://example.com/a.jpg" }),
      );
      assert.equal(res.status, 201);
      const created = await res.json();
      assert.equal(created.in_stock, false, "no inventory row means out of stock");
      assert.equal(created.rating, 4.5);
      assert.equal(created.description, "");
      assert.deepEqual((await hits(`gizmo ${R}`)).map((h) => h.id), [id]);
      const again = await send("POST", "/search/products", admin, product(id));
      assert.equal(again.status, 409);
      assert.equal((await again.json()).code, "already_exists");
    });

    await t.step("PUT replaces (200) or creates (201)", async () => {
      const res = await send(
        "PUT",
        `/search/products/${id}`,
        admin,
        product(id, { name: `Doohickey ${R}` }),
      );
      assert.equal(res.status, 200);
      const replaced = await res.json();
      assert.equal(replaced.rating, undefined, "PUT replaces the whole product");
      assert.deepEqual((await hits(`doohickey ${R}`)).map((h) => h.id), [id]);
      assert.ok(
        (await hits(`gizmo ${R}`)).every((h) => !/gizmo/i.test(h.name)),
        "the old name is no longer indexed",
      );
      const created = await send("PUT", `/search/products/${id}-b`, admin, {
        name: `Thing ${R}`,
        price_cents: 5,
      });
      assert.equal(created.status, 201);
    });

    await t.step("PATCH changes only the given fields; 404 for an unknown id", async () => {
      const res = await send("PATCH", `/search/products/${id}`, admin, {
        price_cents: 2500,
        image_url: null,
      });
      assert.equal(res.status, 200);
      const patched = await res.json();
      assert.equal(patched.price_cents, 2500);
      assert.equal(patched.name, `Doohickey ${R}`);
      assert.equal((await hits(`doohickey ${R}`))[0].price_cents, 2500);
      const missing = await send("PATCH", `/search/products/${P}-ghost`, admin, { price_cents: 1 });
      assert.equal(missing.status, 404);
      assert.equal((await missing.json()).code, "not_found");
    });

    await t.step("DELETE answers 204, then 404", async () => {
      const res = await send("DELETE", `/search/products/${id}`, admin);
      assert.equal(res.status, 204);
      assert.deepEqual(await hits(`doohickey ${R}`), []);
      const again = await send("DELETE", `/search/products/${id}`, admin);
      assert.equal(again.status, 404);
      assert.equal((await again.json()).code, "not_found");
    });
  } finally {
    await cleanup(P);
  }
});

Deno.test("POST /search/products/bulk writes the valid items and reports each failure", async () => {
  const admin = await authHeaders("admin");
  try {
    await send("POST", "/search/products", admin, product(`${P}-b0`));
    const res = await send("POST", "/search/products/bulk", admin, {
      products: [
        product(`${P}-b0`, { name: `Updated ${R}` }),
        product(`${P}-b1`),
        { id: `${P}-b2`, name: "No price" },
        "not an object",
        product(`${P}-b3`),
        product(`${P}-b3`, { price_cents: 7 }),
      ],
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.created, 2);
    assert.equal(body.updated, 1);
    assert.deepEqual(
      body.errors.map((e: { index: number; id?: string; code: string }) => [e.index, e.id, e.code]),
      [
        [2, `${P}-b2`, "validation_failed"],
        [3, undefined, "validation_failed"],
        [4, `${P}-b3`, "duplicate_id"],
      ],
    );
    assert.match(body.errors[0].message, /price_cents/);
    const b3 = await (await request(`/search/products/${P}-b3`)).json();
    assert.equal(b3.price_cents, 7, "the last occurrence of an id wins");
    const b0 = await (await request(`/search/products/${P}-b0`)).json();
    assert.equal(b0.name, `Updated ${R}`);
  } finally {
    await cleanup(P);
  }
});
