import assert from "node:assert/strict";
import { CompactSign, exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import { createApp, createRouter } from "./app.ts";
import { requireUser } from "./auth.ts";
import { AccessTokenVerifier, JWKS_MAX_AGE_MS, JWKS_REFETCH_INTERVAL_MS } from "./jwt.ts";
import {
  authTestEnv,
  issueTestToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  testPublicJwk,
} from "../tests/auth_helpers.ts";

function demoApp() {
  const app = createApp("demo", () => Promise.resolve({}));
  const r = createRouter();
  r.get("/me", requireUser(), (c) => c.json(c.get("user")));
  app.route("/demo", r);
  return app;
}

const enc = new TextEncoder();
const b64u = (v: unknown) =>
  btoa(typeof v === "string" ? v : JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: TEST_ISSUER,
  aud: TEST_AUDIENCE,
  sub: "user-1",
  sid: "session-1",
  role: "customer",
  jti: crypto.randomUUID(),
  iat: now(),
  exp: now() + 600,
  ...extra,
});

/** Signs arbitrary header and payload with the real test key (only what the case names is wrong). */
async function forge(header: Record<string, unknown>, payload: Record<string, unknown>) {
  const key = await importJWK(JSON.parse(authTestEnv().JWT_PRIVATE_JWK), "EdDSA");
  return await new CompactSign(enc.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: "test-key-1", ...header } as never)
    .sign(key);
}

Deno.test("access tokens: every attack in the matrix gets 401", async (t) => {
  const app = demoApp();
  const env = authTestEnv();
  const valid = await issueTestToken({ sub: "user-1", role: "customer" });
  const [h, p] = valid.split(".");
  const other = await generateKeyPair("EdDSA", { extractable: true });
  const x = testPublicJwk().x;
  const xBytes = Uint8Array.from(
    atob(x.replace(/-/g, "+").replace(/_/g, "/") + "="),
    (c) => c.charCodeAt(0),
  );
  const cases: [string, () => Promise<string>][] = [
    [
      "alg none",
      () => Promise.resolve(`${b64u({ alg: "none", typ: "at+jwt", kid: "test-key-1" })}.${p}.`),
    ],
    [
      "alg nOnE",
      () => Promise.resolve(`${b64u({ alg: "nOnE", typ: "at+jwt", kid: "test-key-1" })}.${p}.`),
    ],
    [
      "HS256 signed with the public key bytes",
      () =>
        new SignJWT(claims()).setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: "test-key-1" })
          .sign(xBytes),
    ],
    [
      "HS256 signed with the public JWK text",
      () =>
        new SignJWT(claims()).setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: "test-key-1" })
          .sign(enc.encode(JSON.stringify(testPublicJwk()))),
    ],
    [
      "an unknown key using a known kid",
      () =>
        new SignJWT(claims()).setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", kid: "test-key-1" })
          .sign(other.privateKey),
    ],
    ["an unknown kid", () => forge({ kid: "no-such-key" }, claims())],
    ["no kid", () => forge({ kid: undefined }, claims())],
    [
      "expired beyond the 30 s skew",
      () => forge({}, claims({ iat: now() - 700, exp: now() - 31 })),
    ],
    ["nbf in the future", () => forge({}, claims({ nbf: now() + 120 }))],
    ["iat in the future", () => forge({}, claims({ iat: now() + 120, exp: now() + 600 }))],
    ["a lifetime over 15 minutes", () => forge({}, claims({ exp: now() + 3600 }))],
    ["no exp", () => forge({}, claims({ exp: undefined }))],
    ["wrong iss", () => forge({}, claims({ iss: "https://evil.example" }))],
    ["wrong aud", () => forge({}, claims({ aud: "someone-else" }))],
    ["missing typ", () => forge({ typ: undefined }, claims())],
    ["typ JWT", () => forge({ typ: "JWT" }, claims())],
    ["an unknown role", () => forge({}, claims({ role: "root" }))],
    ["a refresh token presented as an access token", () => Promise.resolve("A".repeat(43))],
    [
      "a payload altered after signing",
      () => Promise.resolve(`${h}.${b64u(claims({ role: "admin" }))}.${valid.split(".")[2]}`),
    ],
    ["kid with path characters", () => forge({ kid: "../../../etc/passwd" }, claims())],
    ["kid with SQL characters", () => forge({ kid: "' OR 1=1; --" }, claims())],
    ["kid __proto__", () => forge({ kid: "__proto__" }, claims())],
    [
      "jku pointing elsewhere with an unknown kid",
      () => forge({ jku: "http://127.0.0.1:1/jwks", kid: "x" }, claims()),
    ],
    ["an embedded jwk of another key", async () => {
      const jwk = await exportJWK(other.publicKey);
      return new SignJWT(claims()).setProtectedHeader({
        alg: "EdDSA",
        typ: "at+jwt",
        kid: "zz",
        jwk,
      }).sign(other.privateKey);
    }],
  ];
  for (const [name, make] of cases) {
    await t.step(name, async () => {
      const res = await app.request("/demo/me", {
        headers: { Authorization: `Bearer ${await make()}` },
      }, env);
      assert.equal(res.status, 401);
      assert.equal((await res.json()).code, "unauthorized");
      assert.match(res.headers.get("WWW-Authenticate") ?? "", /^Bearer/);
    });
  }
  await t.step("the untampered token itself passes", async () => {
    const res = await app.request(
      "/demo/me",
      { headers: { Authorization: `Bearer ${valid}` } },
      env,
    );
    assert.equal(res.status, 200);
  });
});

Deno.test("a token within the 30 s clock skew is accepted", async () => {
  const token = await forge({}, claims({ iat: now() - 610, exp: now() - 10 }));
  const res = await demoApp().request(
    "/demo/me",
    { headers: { Authorization: `Bearer ${token}` } },
    authTestEnv(),
  );
  assert.equal(res.status, 200);
});

function countFetches() {
  const original = globalThis.fetch;
  const calls: string[] = [];
  globalThis.fetch = (input, init) => {
    calls.push(String(input instanceof Request ? input.url : input));
    return original(input, init);
  };
  return { calls, restore: () => (globalThis.fetch = original) };
}

Deno.test("a second service verifying with AUTH_JWKS_URL fetches once, then makes 0 network calls", async () => {
  const jwks = { keys: [{ ...testPublicJwk() }] };
  let served = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => {
    served++;
    return Response.json(jwks, { headers: { "Cache-Control": "public, max-age=300" } });
  });
  const counter = countFetches();
  try {
    const env = {
      JWT_ISSUER: TEST_ISSUER,
      JWT_AUDIENCE: TEST_AUDIENCE,
      AUTH_JWKS_URL: `http://127.0.0.1:${server.addr.port}/auth/.well-known/jwks.json`,
    };
    const app = demoApp();
    const call = async (token: string) =>
      (await app.request("/demo/me", { headers: { Authorization: `Bearer ${token}` } }, env))
        .status;
    const first = await issueTestToken({ sub: "u1", role: "customer" });
    assert.equal(await call(first), 200);
    assert.equal(counter.calls.length, 1, "the first verification fetches the JWKS");
    assert.equal(await call(first), 200);
    assert.equal(await call(await issueTestToken({ sub: "u2", role: "admin" })), 200);
    // A fresh env object for the same configuration (a new request on Workers) shares the cache.
    const again = await app.request("/demo/me", { headers: { Authorization: `Bearer ${first}` } }, {
      ...env,
    });
    assert.equal(again.status, 200);
    assert.equal(counter.calls.length, 1, "no network calls once the JWKS is cached");
    assert.equal(served, 1);
  } finally {
    counter.restore();
    await server.shutdown();
  }
});

Deno.test("an unknown kid refetches the JWKS at most once per interval", async () => {
  let served = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => {
    served++;
    return Response.json({ keys: [testPublicJwk()] });
  });
  try {
    let clock = Date.now();
    const verifier = new AccessTokenVerifier({
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      jwksUrl: `http://127.0.0.1:${server.addr.port}/jwks`,
      now: () => clock,
    });
    await verifier.verify(await issueTestToken({ sub: "u", role: "customer" }));
    assert.equal(served, 1);
    const unknown = await forge({ kid: "rotated-in-later" }, claims());
    await assert.rejects(verifier.verify(unknown));
    await assert.rejects(verifier.verify(unknown));
    assert.equal(served, 1, "within the interval: no refetch");
    clock += JWKS_REFETCH_INTERVAL_MS + 1;
    await assert.rejects(verifier.verify(unknown));
    await assert.rejects(verifier.verify(unknown));
    assert.equal(served, 2, "after the interval: exactly one refetch");
  } finally {
    await server.shutdown();
  }
});

/** A JWKS endpoint that answers after `delayMs` with whatever `keys()` returns (or 500). */
function slowJwksServer(keys: () => unknown[] | undefined, delayMs = 100) {
  let served = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async () => {
    served++;
    await new Promise((r) => setTimeout(r, delayMs));
    const list = keys();
    return list ? Response.json({ keys: list }) : new Response("down", { status: 500 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/jwks`,
    served: () => served,
    stop: () => server.shutdown(),
  };
}

Deno.test("a cold verifier: 50 concurrent valid tokens share one JWKS fetch and all verify", async () => {
  const jwks = slowJwksServer(() => [testPublicJwk()]);
  try {
    const verifier = new AccessTokenVerifier({
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      jwksUrl: jwks.url,
    });
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) => issueTestToken({ sub: `u${i}`, role: "customer" })),
    );
    const results = await Promise.allSettled(tokens.map((t) => verifier.verify(t)));
    assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
    assert.equal(jwks.served(), 1);
  } finally {
    await jwks.stop();
  }
});

Deno.test("a rotated-in kid: concurrent requests share one refetch after the cooldown", async () => {
  const rotated = { ...testPublicJwk(), kid: "rotated-in" };
  let published = [testPublicJwk()];
  const jwks = slowJwksServer(() => published);
  try {
    let clock = Date.now();
    const verifier = new AccessTokenVerifier({
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      jwksUrl: jwks.url,
      now: () => clock,
    });
    await verifier.verify(await issueTestToken({ sub: "u", role: "customer" }));
    published = [testPublicJwk(), rotated];
    clock += JWKS_REFETCH_INTERVAL_MS + 1;
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => forge({ kid: "rotated-in" }, claims())),
    );
    const results = await Promise.allSettled(tokens.map((t) => verifier.verify(t)));
    assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
    assert.equal(jwks.served(), 2, "one shared refetch for all twenty");
  } finally {
    await jwks.stop();
  }
});

Deno.test("a stale JWKS still verifies while the JWKS endpoint fails", async () => {
  let up = true;
  const jwks = slowJwksServer(() => up ? [testPublicJwk()] : undefined, 0);
  try {
    let clock = Date.now();
    const verifier = new AccessTokenVerifier({
      issuer: TEST_ISSUER,
      audience: TEST_AUDIENCE,
      jwksUrl: jwks.url,
      now: () => clock,
    });
    await verifier.verify(await issueTestToken({ sub: "u", role: "customer" }));
    up = false;
    clock += JWKS_MAX_AGE_MS + 1;
    const later = await issueTestToken({ sub: "u2", role: "customer", now: clock });
    assert.equal((await verifier.verify(later)).sub, "u2");
    assert.equal(jwks.served(), 2, "it tried to refresh, failed, and kept the stale keys");
  } finally {
    await jwks.stop();
  }
});
