import assert from "node:assert/strict";
import {
  assertProblem,
  getWith,
  login,
  postJson,
  setup,
  signup,
  uniqueEmail,
} from "./test_helpers.ts";
import { decodeJwt, decodeProtectedHeader } from "jose";

Deno.test("POST /auth/signup creates an account and answers 201 with a token pair", async () => {
  const { app, env } = setup();
  const email = uniqueEmail("Signup");
  const res = await postJson(app, env, "/auth/signup", {
    email: `  ${email.toUpperCase()} `,
    password: "hunter2hunter2",
    name: "Ada",
  });
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.equal(body.user.email, email.toLowerCase(), "stored trimmed and lower case");
  assert.equal(body.user.name, "Ada");
  assert.equal(body.user.role, "customer");
  assert.match(body.user.created_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(body.token_type, "Bearer");
  assert.equal(body.expires_in, 900);
  assert.match(body.refresh_token, /^[A-Za-z0-9_-]{43}$/);
  const header = decodeProtectedHeader(body.access_token);
  assert.deepEqual([header.alg, header.typ, typeof header.kid], ["EdDSA", "at+jwt", "string"]);
  const claims = decodeJwt(body.access_token);
  assert.equal(claims.sub, body.user.id);
  assert.equal(claims.role, "customer");
  for (const k of ["iss", "aud", "sid", "jti", "iat", "exp"]) assert.ok(claims[k], k);
  assert.ok(claims.exp! - claims.iat! <= 900);
});

Deno.test("POST /auth/signup rejects a taken email (any case) with 409 email_taken", async () => {
  const { app, env } = setup();
  const { user } = await signup(app, env);
  const res = await postJson(app, env, "/auth/signup", {
    email: user.email.toUpperCase(),
    password: "another password",
  });
  await assertProblem(res, 409, "email_taken");
});

Deno.test("POST /auth/signup validates the body with errors[].path", async (t) => {
  const { app, env } = setup();
  const cases: [string, unknown, string[]][] = [
    ["password shorter than 8", { email: uniqueEmail(), password: "short" }, ["password"]],
    ["password longer than 256", { email: uniqueEmail(), password: "x".repeat(257) }, ["password"]],
    ["invalid email", { email: "not-an-email", password: "long enough" }, ["email"]],
    ["missing fields", {}, ["email", "password"]],
    ["wrong types", { email: 1, password: true }, ["email", "password"]],
  ];
  for (const [name, body, paths] of cases) {
    await t.step(`${name} gives 400 validation_failed`, async () => {
      const problem = await assertProblem(
        await postJson(app, env, "/auth/signup", body),
        400,
        "validation_failed",
      );
      assert.deepEqual(problem.errors.map((e: { path: string }) => e.path).sort(), paths);
    });
  }
  await t.step("malformed JSON gives 400 invalid_json", async () => {
    const res = await app.request("/auth/signup", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{nope",
    }, env);
    await assertProblem(res, 400, "invalid_json");
  });
});

Deno.test("POST /auth/login signs in with any case of the email and answers 200 with a pair", async () => {
  const { app, env } = setup();
  const { user, password } = await signup(app, env);
  const pair = await login(app, env, ` ${user.email.toUpperCase()}`, password);
  assert.equal(pair.user.id, user.id);
  assert.equal(pair.token_type, "Bearer");
  assert.notEqual(decodeJwt(pair.access_token).sid, undefined);
});

Deno.test("POST /auth/login answers an unknown email and a wrong password identically with 401", async () => {
  const { app, env } = setup();
  const { user } = await signup(app, env);
  const wrong = await postJson(app, env, "/auth/login", {
    email: user.email,
    password: "wrong password",
  });
  const unknown = await postJson(app, env, "/auth/login", {
    email: uniqueEmail(),
    password: "wrong password",
  });
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  const [a, b] = [await wrong.json(), await unknown.json()];
  assert.equal(a.code, "invalid_credentials");
  assert.deepEqual({ ...a, instance: 0 }, { ...b, instance: 0 });
  assert.equal(wrong.headers.get("Content-Type"), unknown.headers.get("Content-Type"));
});

Deno.test("POST /auth/login takes comparable time for an unknown email and a wrong password", async () => {
  const { app, env } = setup();
  const { user } = await signup(app, env);
  const time = async (email: string) => {
    const t0 = performance.now();
    await (await postJson(app, env, "/auth/login", { email, password: "wrong password" })).body
      ?.cancel();
    return performance.now() - t0;
  };
  const known: number[] = [], unknown: number[] = [];
  // Interleaved, medians of 15 each: a loaded machine's stalls land on both
  // sides and outliers do not move a median (4 samples each was flaky).
  for (let i = 0; i < 15; i++) {
    known.push(await time(user.email));
    unknown.push(await time(uniqueEmail()));
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
  // Both paths run one full PBKDF2; without the dummy hash, unknown would be ~10 ms faster.
  assert.ok(
    median(unknown) > median(known) * 0.6,
    `unknown ${median(unknown)} vs known ${median(known)}`,
  );
});

Deno.test("POST /auth/login validates the body with errors[].path", async () => {
  const { app, env } = setup();
  const problem = await assertProblem(
    await postJson(app, env, "/auth/login", { email: "x" }),
    400,
    "validation_failed",
  );
  assert.deepEqual(problem.errors.map((e: { path: string }) => e.path).sort(), [
    "email",
    "password",
  ]);
});

Deno.test("POST /auth/login rehashes a password stored with old parameters", async () => {
  const old = setup({ PASSWORD_PBKDF2_ITERATIONS: "1000" });
  const { user, password } = await signup(old.app, old.env);
  const current = setup();
  await login(current.app, current.env, user.email, password);
  const { sqlClient } = await import("../../shared/db.ts");
  const { authEnv } = await import("./env.ts");
  const [row] = await sqlClient(
    authEnv(current.env),
  )`SELECT password_hash FROM auth.users WHERE id = ${user.id}`;
  assert.match(row.password_hash, /^pbkdf2-sha256\$100000\$/);
  await login(current.app, current.env, user.email, password);
});

Deno.test("GET /auth/me answers 200 with the user, 401 without a valid token", async (t) => {
  const { app, env } = setup();
  const { user, access_token } = await signup(app, env);
  await t.step("valid token gives the user", async () => {
    const res = await getWith(app, env, "/auth/me", access_token);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), user);
  });
  await t.step("no token gives 401 unauthorized with WWW-Authenticate", async () => {
    const res = await app.request("/auth/me", {}, env);
    await assertProblem(res, 401, "unauthorized");
    assert.match(res.headers.get("WWW-Authenticate") ?? "", /^Bearer/);
  });
});
