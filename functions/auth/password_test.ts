import assert from "node:assert/strict";
import { authEnvSchema, WORKERS_MAX_PBKDF2_ITERATIONS } from "./env.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.ts";

const base = {
  DATABASE_URL: "postgres://u@h/db",
  UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079",
  UPSTASH_REDIS_REST_TOKEN: "t",
  JWT_PRIVATE_JWK: "{}",
};

Deno.test("the configured PBKDF2 work factor is one Cloudflare Workers accepts (<= 100,000)", () => {
  assert.equal(WORKERS_MAX_PBKDF2_ITERATIONS, 100_000);
  const configured = authEnvSchema.parse(base).PASSWORD_PBKDF2_ITERATIONS;
  assert.ok(configured <= 100_000, `default ${configured} would be rejected by Workers`);
  assert.equal(
    authEnvSchema.safeParse({ ...base, PASSWORD_PBKDF2_ITERATIONS: "100001" }).success,
    false,
  );
  assert.equal(
    authEnvSchema.safeParse({ ...base, PASSWORD_PBKDF2_ITERATIONS: "600000" }).success,
    false,
  );
});

Deno.test("hashPassword stores its parameters: pbkdf2-sha256$iterations$salt$hash", async () => {
  const hash = await hashPassword("correct horse", { iterations: 100_000 });
  assert.match(hash, /^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(hash, await hashPassword("correct horse", { iterations: 100_000 }), "salted");
});

Deno.test("verifyPassword matches, rejects, and asks for a rehash when parameters changed", async (t) => {
  const p = { iterations: 2000 };
  const hash = await hashPassword("correct horse", p);
  await t.step(
    "right password",
    async () =>
      assert.deepEqual(await verifyPassword("correct horse", hash, p), {
        ok: true,
        needsRehash: false,
      }),
  );
  await t.step(
    "wrong password",
    async () => assert.equal((await verifyPassword("Correct horse", hash, p)).ok, false),
  );
  await t.step(
    "more iterations configured",
    async () =>
      assert.deepEqual(await verifyPassword("correct horse", hash, { iterations: 3000 }), {
        ok: true,
        needsRehash: true,
      }),
  );
  await t.step("a pepper added", async () => {
    const pepper = "p".repeat(32);
    assert.deepEqual(await verifyPassword("correct horse", hash, { ...p, pepper }), {
      ok: true,
      needsRehash: true,
    });
    const peppered = await hashPassword("correct horse", { ...p, pepper });
    assert.match(peppered, /^pbkdf2-sha256-pepper\$/);
    assert.equal((await verifyPassword("correct horse", peppered, { ...p, pepper })).ok, true);
    assert.equal(
      (await verifyPassword("correct horse", peppered, p)).ok,
      false,
      "no pepper: fail closed",
    );
  });
  await t.step(
    "unknown scheme never matches",
    async () => assert.equal((await verifyPassword("x", "md5$1$a$b", p)).ok, false),
  );
  await t.step(
    "the dummy hash matches nothing",
    async () => assert.equal((await verifyPassword("", dummyHash(p), p)).ok, false),
  );
  // What makes an unknown email cost a full hash (the login timing test checks
  // it end to end): the dummy has a real hash's scheme, work factor and field
  // sizes, so verifyPassword runs the whole PBKDF2 on it, never a shortcut.
  await t.step("the dummy hash has a real hash's scheme, work factor and sizes", async () => {
    for (const params of [p, { ...p, pepper: "p".repeat(32) }]) {
      const shape = (h: string) => h.split("$").map((part, i) => i < 2 ? part : part.length);
      assert.deepEqual(shape(dummyHash(params)), shape(await hashPassword("x", params)));
    }
  });
});

Deno.test("hashPassword refuses a password with an unpaired surrogate (it would hash as U+FFFD)", async () => {
  await assert.rejects(hashPassword("correct horse \ud800", { iterations: 1000 }), TypeError);
});
