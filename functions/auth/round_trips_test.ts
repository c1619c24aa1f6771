import assert from "node:assert/strict";
import { createClient } from "redis";
import { testRedisUrl } from "../../tests/config.ts";
import { getWith, postJson, setup, signup } from "./test_support.ts";

/**
 * @upstash/ratelimit's Lua scripts start with `#!lua flags=allow-key-locking`,
 * which Upstash accepts but Redis before 7.4 rejects ("Unexpected flag"):
 * behind the local bridge on such a Redis every limit call errs and the
 * in-memory fallback decides. Redis counts are only meaningful otherwise.
 */
async function redisRunsRatelimitScripts(): Promise<boolean> {
  const client = createClient({ url: testRedisUrl(), socket: { reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.eval("#!lua flags=allow-key-locking\nreturn 1", { keys: [], arguments: [] });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}
const scriptsRun = await redisRunsRatelimitScripts();
if (!scriptsRun) {
  console.warn("Local Redis rejects @upstash/ratelimit's script flags: rate limits run in memory");
}

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

Deno.test("round trips: login 2 Postgres + 2 parallel Redis, refresh 1 Postgres, me 1 Postgres", async () => {
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
  if (scriptsRun) assert.equal(login.redis, 2);
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
  if (scriptsRun) assert.equal(failed.redis, 3);
});
