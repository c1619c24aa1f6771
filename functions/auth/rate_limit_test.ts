import assert from "node:assert/strict";
import { createClient } from "redis";
import { testRedisUrl } from "../../tests/config.ts";
import { assertProblem, postJson, setup, signup, uniqueEmail } from "./test_helpers.ts";

/** Keys under `prefix` in the real Redis, read directly (not through the bridge). */
async function redisKeys(prefix: string): Promise<string[]> {
  const client = await createClient({ url: testRedisUrl() }).connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*` })) keys.push(...batch);
    return keys;
  } finally {
    client.destroy();
  }
}

/**
 * A request that reached auth through the trusted proxy from `ip`: the proxy
 * appended `ip` as the right-most entry; the first one is the client's own
 * (forgeable) claim.
 */
const from = (ip: string, forged = `198.18.${rand()}.${rand()}`) => ({
  "X-Forwarded-For": `${forged}, ${ip}`,
});
const rand = () => Math.floor(Math.random() * 250);

/**
 * Limits count in 60 s windows aligned to the clock, and a sliding window
 * weighs the previous window's hits down as the new one fills (the memory
 * fallback's fixed window forgets them): a burst that straddles a boundary
 * legitimately gets through. Each test's burst takes well under a second,
 * so it starts only with at least 5 s of the current window left.
 */
async function awayFromWindowEdge(windowMs = 60_000, needMs = 5_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

Deno.test("POST /auth/login answers 429 rate_limited with Retry-After after 10 failed logins for one account from one address; the owner elsewhere still signs in", async () => {
  await awayFromWindowEdge();
  const s = setup({ TRUST_PROXY: "true" });
  const { user, password } = await signup(s.app, s.env);
  for (let i = 0; i < 10; i++) {
    await assertProblem(
      await postJson(
        s.app,
        s.env,
        "/auth/login",
        { email: user.email, password: "wrong one" },
        from("203.0.113.66"),
      ),
      401,
      "invalid_credentials",
    );
  }
  const res = await postJson(s.app, s.env, "/auth/login", {
    email: user.email.toUpperCase(),
    password,
  }, from("203.0.113.66"));
  await assertProblem(res, 429, "rate_limited");
  assert.ok(Number(res.headers.get("Retry-After")) >= 1);
  // The stranger's ten guesses do not lock the owner out from their own address.
  const owner = await postJson(
    s.app,
    s.env,
    "/auth/login",
    { email: user.email, password },
    from("192.0.2.10"),
  );
  assert.equal(owner.status, 200, await owner.clone().text());
  // The limit lives in Redis (shared by every isolate), not in the in-memory fallback.
  assert.ok((await redisKeys(s.env.REDIS_PREFIX)).length > 0, "no rate-limit keys in Redis");
  // Another account is not affected.
  const other = await signup(s.app, s.env);
  assert.equal(
    (await postJson(s.app, s.env, "/auth/login", {
      email: other.user.email,
      password: other.password,
    }, from("203.0.113.66"))).status,
    200,
  );
});

Deno.test("POST /auth/login limits attempts per client IP (X-Forwarded-For with TRUST_PROXY=true)", async () => {
  await awayFromWindowEdge();
  const s = setup({ RATE_LIMIT_LOGIN_PER_IP: "3", TRUST_PROXY: "true" });
  const { user, password } = await signup(s.app, s.env);
  const loginFrom = (ip: string) =>
    postJson(s.app, s.env, "/auth/login", { email: user.email, password }, from(ip));
  for (let i = 0; i < 3; i++) assert.equal((await loginFrom("203.0.113.7")).status, 200);
  const limited = await loginFrom("203.0.113.7");
  await assertProblem(limited, 429, "rate_limited");
  assert.ok(limited.headers.get("Retry-After"));
  assert.equal((await loginFrom("203.0.113.8")).status, 200, "another IP is not affected");
});

Deno.test("POST /auth/login limits failures per account from all addresses together", async () => {
  await awayFromWindowEdge();
  const s = setup({
    TRUST_PROXY: "true",
    RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS: "3",
    RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: "6",
  });
  const { user, password } = await signup(s.app, s.env);
  // Two failures each from three addresses: under the per-address limit, at the account's.
  for (const ip of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) {
    for (let i = 0; i < 2; i++) {
      const res = await postJson(s.app, s.env, "/auth/login", {
        email: user.email,
        password: "wrong one",
      }, from(ip));
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }
  }
  await assertProblem(
    await postJson(s.app, s.env, "/auth/login", { email: user.email, password }, from("192.0.2.4")),
    429,
    "rate_limited",
  );
});

Deno.test("POST /auth/login: a forged first X-Forwarded-For entry does not evade the per-IP limit", async () => {
  await awayFromWindowEdge();
  const s = setup({ RATE_LIMIT_LOGIN_PER_IP: "3", TRUST_PROXY: "true" });
  const { user, password } = await signup(s.app, s.env);
  // Each request claims a new address first; the proxy appended the same one every time.
  for (let i = 0; i < 3; i++) {
    const res = await postJson(
      s.app,
      s.env,
      "/auth/login",
      { email: user.email, password },
      from("203.0.113.99", `10.1.1.${i}`),
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  await assertProblem(
    await postJson(
      s.app,
      s.env,
      "/auth/login",
      { email: user.email, password },
      from("203.0.113.99", "10.1.1.200"),
    ),
    429,
    "rate_limited",
  );
});

Deno.test("POST /auth/signup limits signups per client IP", async () => {
  await awayFromWindowEdge();
  const s = setup({ RATE_LIMIT_SIGNUP_PER_IP: "2", TRUST_PROXY: "true" });
  const body = () => ({ email: uniqueEmail(), password: "long enough" });
  assert.equal(
    (await postJson(s.app, s.env, "/auth/signup", body(), from("198.51.100.1"))).status,
    201,
  );
  assert.equal(
    (await postJson(s.app, s.env, "/auth/signup", body(), from("198.51.100.1"))).status,
    201,
  );
  await assertProblem(
    await postJson(s.app, s.env, "/auth/signup", body(), from("198.51.100.1")),
    429,
    "rate_limited",
  );
});

Deno.test("with Redis unreachable, login still works and stays limited by the in-memory limiter", async () => {
  await awayFromWindowEdge();
  const up = setup();
  const { user, password } = await signup(up.app, up.env);
  // Same database, Redis pointed at a closed port.
  const down = {
    ...up.env,
    UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
    REDIS_PREFIX: `${up.env.REDIS_PREFIX}down:`,
  };
  const t0 = performance.now();
  const ok = await postJson(up.app, down, "/auth/login", { email: user.email, password });
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.ok(performance.now() - t0 < 2000, "fails over quickly");
  for (let i = 0; i < 10; i++) {
    assert.equal(
      (await postJson(up.app, down, "/auth/login", { email: user.email, password: "nope nope" }))
        .status,
      401,
    );
  }
  await assertProblem(
    await postJson(up.app, down, "/auth/login", { email: user.email, password }),
    429,
    "rate_limited",
  );
});
