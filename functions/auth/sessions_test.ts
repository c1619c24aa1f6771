import assert from "node:assert/strict";
import { assertProblem, getWith, login, postJson, setup, signup } from "./test_helpers.ts";

async function threeSessions() {
  const s = setup();
  const a = await signup(s.app, s.env);
  const b = await login(s.app, s.env, a.user.email, a.password, { "User-Agent": "phone" });
  const c = await login(s.app, s.env, a.user.email, a.password);
  return { s, a, b, c };
}

const logout = (s: ReturnType<typeof setup>, token: string, body?: unknown) =>
  s.app.request("/auth/logout", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }, s.env);

const sid = (token: string) =>
  JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sid;

Deno.test("GET /auth/sessions lists live sessions, newest first, marking the current one", async () => {
  const { s, b } = await threeSessions();
  const res = await getWith(s.app, s.env, "/auth/sessions", b.access_token);
  assert.equal(res.status, 200);
  const { sessions } = await res.json();
  assert.equal(sessions.length, 3);
  assert.deepEqual(sessions.map((x: { current: boolean }) => x.current).filter(Boolean).length, 1);
  const current = sessions.find((x: { current: boolean }) => x.current);
  assert.equal(current.id, sid(b.access_token));
  assert.equal(current.user_agent, "phone");
  for (const k of ["id", "created_at", "last_used_at", "user_agent", "current"]) {
    assert.ok(k in current);
  }
  await assertProblem(await s.app.request("/auth/sessions", {}, s.env), 401, "unauthorized");
});

Deno.test("DELETE /auth/sessions/:id ends an own session (204), its token stops working here at once", async () => {
  const { s, a, b } = await threeSessions();
  const res = await s.app.request(`/auth/sessions/${sid(b.access_token)}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${a.access_token}` },
  }, s.env);
  assert.equal(res.status, 204);
  await assertProblem(await getWith(s.app, s.env, "/auth/me", b.access_token), 401, "unauthorized");
  await assertProblem(
    await postJson(s.app, s.env, "/auth/token/refresh", { refresh_token: b.refresh_token }),
    401,
    "invalid_refresh_token",
  );
  assert.equal((await getWith(s.app, s.env, "/auth/me", a.access_token)).status, 200);
});

Deno.test("DELETE /auth/sessions/:id answers 404 for another user's, unknown or malformed ids", async (t) => {
  const { s, a } = await threeSessions();
  const other = await signup(s.app, s.env);
  for (
    const [name, id] of [
      ["another user's session", sid(other.access_token)],
      ["an unknown id", crypto.randomUUID()],
      ["a malformed id", "1'; DROP TABLE auth.sessions; --"],
    ]
  ) {
    await t.step(name, async () => {
      const res = await s.app.request(`/auth/sessions/${encodeURIComponent(id)}`, {
        method: "DELETE",
        headers: { Authorization: `Bearer ${a.access_token}` },
      }, s.env);
      await assertProblem(res, 404, "not_found");
    });
  }
  assert.equal((await getWith(s.app, s.env, "/auth/me", other.access_token)).status, 200);
  const noAuth = await s.app.request(
    `/auth/sessions/${crypto.randomUUID()}`,
    { method: "DELETE" },
    s.env,
  );
  await assertProblem(noAuth, 401, "unauthorized");
});

Deno.test("POST /auth/logout ends sessions by scope with 204", async (t) => {
  await t.step("local (the default) ends only this session", async () => {
    const { s, a, b } = await threeSessions();
    assert.equal((await logout(s, a.access_token)).status, 204);
    assert.equal((await getWith(s.app, s.env, "/auth/me", a.access_token)).status, 401);
    assert.equal((await getWith(s.app, s.env, "/auth/me", b.access_token)).status, 200);
    await assertProblem(await logout(s, a.access_token), 401, "unauthorized");
  });
  await t.step("others ends every session but this one", async () => {
    const { s, a, b, c } = await threeSessions();
    assert.equal((await logout(s, a.access_token, { scope: "others" })).status, 204);
    assert.equal((await getWith(s.app, s.env, "/auth/me", a.access_token)).status, 200);
    assert.equal((await getWith(s.app, s.env, "/auth/me", b.access_token)).status, 401);
    assert.equal((await getWith(s.app, s.env, "/auth/me", c.access_token)).status, 401);
  });
  await t.step("global ends all of the user's sessions", async () => {
    const { s, a, b, c } = await threeSessions();
    assert.equal((await logout(s, b.access_token, { scope: "global" })).status, 204);
    for (const p of [a, b, c]) {
      assert.equal((await getWith(s.app, s.env, "/auth/me", p.access_token)).status, 401);
    }
    for (const p of [a, b, c]) {
      const res = await postJson(s.app, s.env, "/auth/token/refresh", {
        refresh_token: p.refresh_token,
      });
      assert.equal(res.status, 401);
    }
  });
  await t.step("an unknown scope gives 400 with errors[].path", async () => {
    const { s, a } = await threeSessions();
    const p = await assertProblem(
      await logout(s, a.access_token, { scope: "everything" }),
      400,
      "validation_failed",
    );
    assert.deepEqual(p.errors.map((e: { path: string }) => e.path), ["scope"]);
  });
  await t.step("no token gives 401", async () => {
    const { s } = await threeSessions();
    await assertProblem(
      await s.app.request("/auth/logout", { method: "POST" }, s.env),
      401,
      "unauthorized",
    );
  });
});
