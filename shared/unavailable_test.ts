import assert from "node:assert/strict";
import { createApp, createRouter } from "./app.ts";
import { sqlClient } from "./db.ts";
import { baseEnvSchema, parseEnv } from "./env.ts";
import { redisClient } from "./redis.ts";
import { bridges, serviceDatabaseUrl, testPrefix } from "../tests/config.ts";
import { freePort } from "../dev/ports.ts";

/** A TCP server that accepts connections and never answers: a hung dependency. */
function blackhole() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) conns.push(conn);
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async close() {
      listener.close();
      for (const c of conns) c.close();
      await accepting;
    },
  };
}

/** A port nobody listens on: a refused dependency. */
function refusedUrl(): string {
  return `http://127.0.0.1:${freePort()}`;
}

function demoApp() {
  const app = createApp("demo", () => Promise.resolve({}));
  const r = createRouter();
  const env = (c: { env: unknown }) => parseEnv(baseEnvSchema, c.env as object);
  r.get("/pg", async (c) => c.json(await sqlClient(env(c))`SELECT 1 AS one`));
  r.get("/pg-bad", async (c) => c.json(await sqlClient(env(c))`SELEC nothing`));
  r.get("/redis", async (c) => c.json({ v: await redisClient(env(c)).get("x") }));
  r.get("/redis-bad", async (c) => {
    const redis = redisClient(env(c));
    const key = `${env(c).REDIS_PREFIX}list`;
    await redis.lpush(key, "a");
    try {
      return c.json({ v: await redis.get(key) }); // WRONGTYPE: a bug, not an outage
    } finally {
      await redisClient(env(c)).del(key);
    }
  });
  app.route("/demo", r);
  return app;
}

const TIMEOUTS = { DB_TIMEOUT_MS: "600", REDIS_TIMEOUT_MS: "300" };

function envWith(over: Record<string, string>) {
  return {
    DATABASE_URL: serviceDatabaseUrl("search"),
    ...bridges(),
    REDIS_PREFIX: testPrefix(),
    LOG_LEVEL: "error",
    ...TIMEOUTS,
    ...over,
  };
}

async function timed(app: ReturnType<typeof demoApp>, path: string, env: object) {
  const t0 = performance.now();
  const res = await app.request(path, {}, env);
  const ms = Math.round(performance.now() - t0);
  return { res, ms, body: await res.json() };
}

Deno.test("a hung or refused Postgres or Redis is 503 service_unavailable with Retry-After within its deadline", async (t) => {
  const hole = blackhole();
  const refused = refusedUrl();
  const app = demoApp();
  const cases: [string, string, Record<string, string>, number][] = [
    ["hung Postgres", "/demo/pg", { NEON_HTTP_ENDPOINT: `${hole.url}/sql` }, 600],
    ["refused Postgres", "/demo/pg", { NEON_HTTP_ENDPOINT: `${refused}/sql` }, 600],
    ["hung Redis", "/demo/redis", { UPSTASH_REDIS_REST_URL: hole.url }, 300],
    ["refused Redis", "/demo/redis", { UPSTASH_REDIS_REST_URL: refused }, 300],
  ];
  try {
    for (const [name, path, over, deadline] of cases) {
      await t.step(name, async () => {
        const { res, ms, body } = await timed(app, path, envWith(over));
        console.log(`  ${name}: ${res.status} after ${ms} ms (deadline ${deadline} ms)`);
        assert.equal(res.status, 503);
        assert.equal(body.code, "service_unavailable");
        assert.equal(body.status, 503);
        assert.equal(res.headers.get("Content-Type"), "application/problem+json");
        assert.ok(Number(res.headers.get("Retry-After")) >= 1);
        // Generous margin for a loaded machine; the bound itself is the requirement.
        assert.ok(ms < deadline + 700, `${ms} ms`);
      });
    }
  } finally {
    await hole.close();
  }
});

Deno.test("errors in the query or command itself stay 500, not 503", async () => {
  const app = demoApp();
  for (const path of ["/demo/pg-bad", "/demo/redis-bad"]) {
    const { res, body } = await timed(app, path, envWith({}));
    assert.equal(res.status, 500, path);
    assert.equal(body.code, "internal_error");
  }
  const ok = await timed(app, "/demo/pg", envWith({}));
  assert.deepEqual(ok.body, [{ one: 1 }]);
});
