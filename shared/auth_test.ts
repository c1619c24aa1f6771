import assert from "node:assert/strict";
import { createApp, createRouter } from "./app.ts";
import { requireRole, requireUser } from "./auth.ts";
import { authTestEnv, bearer, issueTestToken } from "../tests/auth_helpers.ts";

function testApp() {
  const app = createApp("demo", () => Promise.resolve({}));
  const r = createRouter();
  r.get("/whoami", requireUser(), (c) => c.json(c.get("user")));
  r.get("/admin", requireRole("admin"), (c) => c.json({ ok: true }));
  app.route("/demo", r);
  return app;
}

Deno.test('requireUser sets c.get("user") from a valid token', async () => {
  const env = authTestEnv();
  const token = await issueTestToken({
    sub: "u1",
    role: "customer",
    sid: "s1",
  });
  const res = await testApp().request("/demo/whoami", {
    headers: bearer(token),
  }, env);
  assert.equal(res.status, 200);
  const user = await res.json();
  assert.equal(user.id, "u1");
  assert.equal(user.role, "customer");
  assert.equal(user.sessionId, "s1");
  assert.ok(user.tokenId);
  assert.ok(Date.parse(user.expiresAt) > Date.now());
});

Deno.test("requireUser answers 401 unauthorized with WWW-Authenticate: Bearer", async (t) => {
  const env = authTestEnv();
  for (
    const [name, headers] of [
      ["no header", {}],
      ["not Bearer", { Authorization: "Basic abc" }],
      ["garbage", { Authorization: "Bearer abc.def.ghi" }],
    ] as const
  ) {
    await t.step(name, async () => {
      const res = await testApp().request("/demo/whoami", { headers }, env);
      assert.equal(res.status, 401);
      assert.match(res.headers.get("WWW-Authenticate") ?? "", /^Bearer/);
      assert.equal((await res.json()).code, "unauthorized");
    });
  }
});

Deno.test('requireRole("admin") answers 403 forbidden to a customer and 200 to an admin', async () => {
  const env = authTestEnv();
  const customer = await issueTestToken({ sub: "u1", role: "customer" });
  const admin = await issueTestToken({ sub: "u2", role: "admin" });
  const app = testApp();
  const denied = await app.request(
    "/demo/admin",
    { headers: bearer(customer) },
    env,
  );
  assert.equal(denied.status, 403);
  assert.equal((await denied.json()).code, "forbidden");
  assert.equal(
    (await app.request("/demo/admin", { headers: bearer(admin) }, env)).status,
    200,
  );
  assert.equal((await app.request("/demo/admin", {}, env)).status, 401);
});
