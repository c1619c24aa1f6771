import assert from "node:assert/strict";
import { generateSigningKeyPair } from "./keypair.ts";
import { setup } from "./test_helpers.ts";

Deno.test("GET /auth/.well-known/jwks.json serves current and previous public keys with Cache-Control", async () => {
  const previous = await generateSigningKeyPair("old-key");
  const s = setup({ JWT_PREVIOUS_PUBLIC_JWKS: `[${previous.publicJwk}]` });
  const res = await s.app.request("/auth/.well-known/jwks.json", {}, s.env);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Cache-Control") ?? "", /public, max-age=\d+/);
  const { keys } = await res.json();
  assert.deepEqual(keys.map((k: { kid: string }) => k.kid), ["test-key-1", "old-key"]);
  for (const k of keys) {
    assert.deepEqual(Object.keys(k).sort(), ["alg", "crv", "kid", "kty", "use", "x"]);
    assert.deepEqual([k.kty, k.crv, k.alg, k.use], ["OKP", "Ed25519", "EdDSA", "sig"]);
  }
});

Deno.test("GET /auth/openapi.json documents every /auth route", async () => {
  const s = setup();
  const doc = await (await s.app.request("/auth/openapi.json", {}, s.env)).json();
  for (
    const [path, method] of [
      ["/auth/signup", "post"],
      ["/auth/login", "post"],
      ["/auth/token/refresh", "post"],
      ["/auth/logout", "post"],
      ["/auth/me", "get"],
      ["/auth/sessions", "get"],
      ["/auth/sessions/{id}", "delete"],
      ["/auth/.well-known/jwks.json", "get"],
    ]
  ) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
});

Deno.test("GET /auth/health answers ok and /auth/ready checks Postgres and Redis", async () => {
  const s = setup();
  assert.deepEqual(await (await s.app.request("/auth/health", {}, s.env)).json(), {
    status: "ok",
    service: "auth",
  });
  assert.equal((await s.app.request("/auth/ready", {}, s.env)).status, 200);
});
