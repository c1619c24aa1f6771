import assert from "node:assert/strict";
import { assertProblem, postJson, setup, signup, uniqueEmail } from "./test_helpers.ts";

/** `"name";r=N;t=S` entries of a RateLimit header, by policy name. */
function parseRateLimit(value: string | null): Record<string, { r: number; t: number }> {
  return Object.fromEntries(
    (value ?? "").split(",").filter(Boolean).map((item) => {
      const [name, ...params] = item.trim().split(";");
      const p = Object.fromEntries(params.map((kv) => kv.split("=")));
      return [JSON.parse(name), { r: Number(p.r), t: Number(p.t) }];
    }),
  );
}

// Each test uses an address of its own, so the per-IP counts start at zero.
const fromNew = () => ({
  "X-Forwarded-For": `192.0.2.${Math.floor(Math.random() * 250)}, 198.51.${
    Math.floor(Math.random() * 250)
  }.${Math.floor(Math.random() * 250)}`,
});

Deno.test("signup shows its per-IP policy and what is left; the refused request says when to retry", async () => {
  const s = setup({ RATE_LIMIT_SIGNUP_PER_IP: "2", TRUST_PROXY: "true" });
  const ip = fromNew();
  const body = () => ({ email: uniqueEmail(), password: "long enough" });
  const first = await postJson(s.app, s.env, "/auth/signup", body(), ip);
  assert.equal(first.status, 201);
  assert.equal(first.headers.get("RateLimit-Policy"), '"signup-ip";q=2;w=60');
  const left = parseRateLimit(first.headers.get("RateLimit"))["signup-ip"];
  assert.equal(left.r, 1);
  assert.ok(left.t >= 1 && left.t <= 60);
  await first.body?.cancel();
  await (await postJson(s.app, s.env, "/auth/signup", body(), ip)).body?.cancel();
  const refused = await postJson(s.app, s.env, "/auth/signup", body(), ip);
  assert.equal(refused.headers.get("RateLimit-Policy"), '"signup-ip";q=2;w=60');
  assert.equal(parseRateLimit(refused.headers.get("RateLimit"))["signup-ip"].r, 0);
  assert.ok(Number(refused.headers.get("Retry-After")) >= 1);
  await assertProblem(refused, 429, "rate_limited");
});

Deno.test("login shows only the per-IP policy, never a per-account count", async () => {
  const s = setup({ RATE_LIMIT_LOGIN_PER_IP: "50", TRUST_PROXY: "true" });
  const { user, password } = await signup(s.app, s.env);
  const ip = fromNew();
  const ok = await postJson(s.app, s.env, "/auth/login", { email: user.email, password }, ip);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("RateLimit-Policy"), '"login-ip";q=50;w=60');
  assert.deepEqual(Object.keys(parseRateLimit(ok.headers.get("RateLimit"))), ["login-ip"]);
  assert.equal(parseRateLimit(ok.headers.get("RateLimit"))["login-ip"].r, 49);
  await ok.body?.cancel();
  const wrong = await postJson(s.app, s.env, "/auth/login", {
    email: user.email,
    password: "wrong one",
  }, ip);
  assert.equal(wrong.status, 401);
  assert.equal(parseRateLimit(wrong.headers.get("RateLimit"))["login-ip"].r, 48);
  await wrong.body?.cancel();
});
