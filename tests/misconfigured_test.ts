/**
 * Issue 9, item 10: misconfiguration fails fast and says why. A function with
 * missing or malformed env answers /health 200 and 503 `misconfigured`
 * naming the variables (never their values) everywhere else, /ready included,
 * and `deno serve` says so on stderr when it starts. `deno task dev` with an
 * explicit DATABASE_URL / REDIS_URL that does not answer stops naming it,
 * password masked, instead of starting a throwaway server.
 */
import assert from "node:assert/strict";
import { createAuthApp } from "../functions/auth/app.ts";
import { createCheckoutApp } from "../functions/checkout/app.ts";
import { createSearchApp } from "../functions/search/app.ts";
import { freePort } from "../dev/ports.ts";
import { waitHealthy } from "../dev/stack.ts";
import { testDatabaseUrl } from "./config.ts";

const SECRET = "tiny-secret-value";
const BAD_ENV = {
  DATABASE_URL: "mysql://nope",
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
  UPSTASH_REDIS_REST_TOKEN: "t",
  SEARCH_CURSOR_SECRET: SECRET, // too short
  PAYMENT_PROVIDER: "paypal",
  JWT_PRIVATE_JWK: "",
};

Deno.test("a misconfigured function answers /health 200 and 503 misconfigured naming the variables on every other route", async () => {
  const apps = { auth: createAuthApp(), search: createSearchApp(), checkout: createCheckoutApp() };
  const expected = {
    auth: ["DATABASE_URL", "JWT_PRIVATE_JWK"],
    search: ["DATABASE_URL", "SEARCH_CURSOR_SECRET"],
    checkout: ["DATABASE_URL", "PAYMENT_PROVIDER"],
  };
  for (const [service, app] of Object.entries(apps)) {
    const env = { ...BAD_ENV };
    assert.equal((await app.request(`/${service}/health`, {}, env)).status, 200);
    for (const path of ["ready", "openapi.json", "nope", "products", "cart", "login"]) {
      const res = await app.request(`/${service}/${path}`, {}, env);
      const text = await res.text();
      assert.equal(res.status, 503, `${service}/${path}`);
      assert.equal(res.headers.get("Content-Type"), "application/problem+json");
      const body = JSON.parse(text);
      assert.equal(body.code, "misconfigured");
      assert.equal(body.status, 503);
      for (const v of expected[service as keyof typeof expected]) {
        assert.ok(body.variables.includes(v), `${service}: ${v} in ${body.variables}`);
        assert.ok(body.detail.includes(v));
      }
      assert.ok(!text.includes(SECRET) && !text.includes("mysql://nope"), text);
    }
  }
});

Deno.test("deno serve names the bad variables on stderr when it starts, and keeps /health up", async () => {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "-A",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "functions/search/main.ts",
    ],
    env: { ...BAD_ENV, NO_COLOR: "1" },
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    await waitHealthy("search", port, child, 20_000);
    const ready = await fetch(`http://127.0.0.1:${port}/search/ready`);
    assert.equal(ready.status, 503);
    assert.equal((await ready.json()).code, "misconfigured");
  } finally {
    child.kill("SIGTERM");
  }
  const stderr = new TextDecoder().decode((await child.output()).stderr);
  assert.match(stderr, /Misconfigured: fix .*DATABASE_URL.*SEARCH_CURSOR_SECRET/);
  assert.ok(!stderr.includes(SECRET));
});

async function dev(env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "dev/dev.ts"],
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

Deno.test("deno task dev stops naming an explicit DATABASE_URL or REDIS_URL that does not answer, password masked", async () => {
  const dead = freePort();
  const pg = await dev({ DATABASE_URL: `postgres://dev:hunter2@127.0.0.1:${dead}/edgeshop` });
  assert.equal(pg.code, 1);
  assert.ok(
    pg.text.includes(`DATABASE_URL=postgres://dev:***@127.0.0.1:${dead}/edgeshop`),
    pg.text,
  );
  assert.ok(!pg.text.includes("hunter2"));
  assert.ok(!/throwaway PostgreSQL on port/.test(pg.text), "started a throwaway server instead");

  const live = new URL(testDatabaseUrl());
  live.pathname = "/postgres";
  const redis = await dev({
    DATABASE_URL: live.toString(),
    REDIS_URL: `redis://:hunter2@127.0.0.1:${dead}`,
  });
  assert.equal(redis.code, 1);
  assert.ok(redis.text.includes(`REDIS_URL=redis://:***@127.0.0.1:${dead}`), redis.text);
  assert.ok(!redis.text.includes("hunter2"));
});
