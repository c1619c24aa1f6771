import assert from "node:assert/strict";
import { countTrips as count } from "../../tests/round_trips.ts";
import { getWith, postJson, setup, signup } from "./test_helpers.ts";

Deno.test("round trips: login 2 Postgres + 1 Redis, refresh 1 Postgres, me 1 Postgres", async () => {
  const s = setup();
  const a = await signup(s.app, s.env);
  // Warm the Lua script cache so EVALSHA hits (the first call per Redis loads the script).
  await postJson(s.app, s.env, "/auth/login", { email: a.user.email, password: a.password });
  const login = await count(s.env, async () => {
    const res = await postJson(s.app, s.env, "/auth/login", {
      email: a.user.email,
      password: a.password,
    });
    assert.equal(res.status, 200);
  });
  assert.equal(login.postgres, 2);
  // Both limit checks go out together: @upstash/redis auto-pipelines them into one request.
  assert.equal(login.redis, 1);
  const refresh = await count(s.env, async () => {
    const res = await postJson(s.app, s.env, "/auth/token/refresh", {
      refresh_token: a.refresh_token,
    });
    assert.equal(res.status, 200);
  });
  assert.deepEqual(refresh, { postgres: 1, redis: 0, provider: 0, other: 0 });
  const me = await count(
    s.env,
    async () => assert.equal((await getWith(s.app, s.env, "/auth/me", a.access_token)).status, 200),
  );
  assert.deepEqual(me, { postgres: 1, redis: 0, provider: 0, other: 0 });
  // Warm the failure limiter's script too, then count a steady-state failed login.
  await postJson(s.app, s.env, "/auth/login", { email: a.user.email, password: "wrong password" });
  const failed = await count(s.env, async () => {
    const res = await postJson(s.app, s.env, "/auth/login", {
      email: a.user.email,
      password: "wrong password",
    });
    assert.equal(res.status, 401);
  });
  assert.equal(failed.postgres, 1);
  // The two limit checks, pipelined, then recording the failure.
  assert.equal(failed.redis, 2);
  // Logout ends the session and tells the other services in one Redis pipeline.
  const logout = await count(s.env, async () => {
    const res = await s.app.request("/auth/logout", {
      method: "POST",
      headers: { Authorization: `Bearer ${a.access_token}` },
    }, s.env);
    assert.equal(res.status, 204);
  });
  assert.deepEqual(logout, { postgres: 1, redis: 1, provider: 0, other: 0 });
});
