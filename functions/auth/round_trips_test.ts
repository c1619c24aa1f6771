import assert from "node:assert/strict";
import { getWith, postJson, setup, signup } from "./test_support.ts";

/** Counts outbound HTTP requests by destination while `fn` runs (the Neon and Upstash drivers both use fetch). */
async function count(env: Record<string, string>, fn: () => Promise<unknown>) {
  const original = globalThis.fetch;
  const seen = { postgres: 0, redis: 0, other: 0 };
  const pg = new URL(env.NEON_HTTP_ENDPOINT).host, redis = new URL(env.UPSTASH_REDIS_REST_URL).host;
  globalThis.fetch = (input, init) => {
    const host = new URL(input instanceof Request ? input.url : String(input)).host;
    seen[host === pg ? "postgres" : host === redis ? "redis" : "other"]++;
    return original(input, init);
  };
  try {
    await fn();
  } finally {
    globalThis.fetch = original;
  }
  return seen;
}

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
  assert.deepEqual(refresh, { postgres: 1, redis: 0, other: 0 });
  const me = await count(
    s.env,
    async () => assert.equal((await getWith(s.app, s.env, "/auth/me", a.access_token)).status, 200),
  );
  assert.deepEqual(me, { postgres: 1, redis: 0, other: 0 });
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
});
