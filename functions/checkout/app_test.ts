import assert from "node:assert/strict";
import { checkoutEnv } from "./env.ts";
import { withFixture } from "./test_helpers.ts";

Deno.test("GET /checkout/health answers without I/O and /checkout/ready checks Postgres and Redis", () =>
  withFixture(async (f) => {
    assert.deepEqual((await f.call("GET", "/checkout/health")).body, {
      status: "ok",
      service: "checkout",
    });
    const ready = await f.call("GET", "/checkout/ready");
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.checks, { postgres: true, redis: true });
  }));

Deno.test("GET /checkout/openapi.json documents every checkout route with bearer auth", () =>
  withFixture(async (f) => {
    const doc = (await f.call("GET", "/checkout/openapi.json")).body;
    assert.equal(doc.openapi, "3.1.0");
    const routes: [string, string][] = [
      ["/checkout/cart", "get"],
      ["/checkout/cart", "delete"],
      ["/checkout/cart/items/{product_id}", "put"],
      ["/checkout/cart/items/{product_id}", "delete"],
      ["/checkout/orders", "post"],
      ["/checkout/orders", "get"],
      ["/checkout/orders/{id}", "get"],
      ["/checkout/orders/{id}/cancel", "post"],
      ["/checkout/inventory/{product_id}", "get"],
      ["/checkout/inventory/{product_id}", "put"],
    ];
    for (const [path, method] of routes) {
      assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
      assert.deepEqual(doc.paths[path][method].security, [{ bearer: [] }]);
    }
    // Stripe authenticates its webhook with a signature, not a token.
    const webhook = doc.paths["/checkout/webhooks/stripe"].post;
    assert.deepEqual(webhook.security, []);
    assert.ok(webhook.parameters.some((p: { name: string }) => p.name === "stripe-signature"));
    const post = doc.paths["/checkout/orders"].post;
    assert.ok(
      post.parameters.some((p: { name: string; required: boolean }) =>
        p.name === "Idempotency-Key" && p.required
      ),
    );
    assert.equal((await f.call("GET", "/checkout/docs")).status, 200);
  }));

Deno.test("unknown checkout paths are 404 not_found and wrong methods 405", () =>
  withFixture(async (f) => {
    const nope = await f.call("GET", "/checkout/nope");
    assert.equal(nope.status, 404);
    assert.equal(nope.body.code, "not_found");
    assert.equal((await f.call("PATCH", "/checkout/cart")).status, 405);
  }));

Deno.test("the checkout env names every bad variable", () => {
  assert.throws(
    () => checkoutEnv({ DATABASE_URL: "nope", PAYMENT_PROVIDER: "paypal" }),
    (err: Error) =>
      ["DATABASE_URL", "PAYMENT_PROVIDER", "UPSTASH_REDIS_REST_URL"].every((v) =>
        err.message.includes(v)
      ),
  );
});
