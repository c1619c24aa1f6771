/**
 * Issue 9, item 4: the bridges survive Postgres and Redis going away under
 * traffic. Throwaway servers (never the machine's shared ones) are stopped
 * the hard way while the production clients query through the bridges:
 * every call fails cleanly the way Neon / Upstash answer an outage (a
 * non-400 status → the driver's generic error; an Upstash error JSON), the
 * bridge process (this test process) does not die, and traffic recovers
 * within 5 s of the server returning.
 */
import assert from "node:assert/strict";
import { Redis } from "@upstash/redis";
import { neon } from "@neondatabase/serverless";
import { configureNeon } from "../shared/db.ts";
import { startBridges } from "./bridges.ts";
import { startPostgres, startRedis, type Throwaway } from "./throwaway.ts";

const quiet = () => {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `call` every 20 ms from `kill` until it succeeds after `restart`; returns what it saw. */
async function outage(server: Throwaway, call: () => Promise<unknown>) {
  const errors: unknown[] = [];
  await call();
  await server.kill();
  for (let i = 0; i < 5; i++) {
    await call().then(
      () => assert.fail("answered while the server was down"),
      (e) => errors.push(e),
    );
  }
  await server.restart();
  const back = performance.now();
  for (;;) {
    try {
      await call();
      return { errors, recoveryMs: Math.round(performance.now() - back) };
    } catch (e) {
      if (performance.now() - back > 5000) throw e;
      await sleep(20);
    }
  }
}

Deno.test("the bridges survive Postgres and Redis restarts and recover within 5 s", async (t) => {
  const [pg, redis] = await Promise.all([startPostgres(quiet), startRedis(quiet)]);
  const bridges = await startBridges({ postgresUrl: pg.url, redisUrl: redis.url });
  try {
    await t.step("Postgres stopped with pg_ctl -m immediate", async () => {
      configureNeon({ NEON_HTTP_ENDPOINT: bridges.neon.sqlEndpoint, NEON_WS_PROXY: undefined });
      const sql = neon(pg.url);
      // A query in flight when Postgres dies, and new ones while it is down.
      const inFlight = sql`SELECT pg_sleep(2)`.then(() => null, (e) => e);
      await sleep(200);
      const { errors, recoveryMs } = await outage(pg, () => sql`SELECT 1`);
      errors.push(await inFlight);
      console.log(
        `  Postgres: ${errors.length} clean errors, recovered ${recoveryMs} ms after restart`,
      );
      for (const e of errors) {
        assert.equal((e as Error).name, "NeonDbError");
        assert.match((e as Error).message, /^Server error \(HTTP status 5\d\d\)|terminat/);
      }
      assert.ok(recoveryMs < 5000);
    });
    await t.step("Redis killed", async () => {
      const client = new Redis({
        url: bridges.upstash.url,
        token: bridges.upstash.token,
        enableTelemetry: false,
        retry: false,
      });
      const call = () =>
        Promise.all([client.set("edgeshop-fault:k", "v"), client.get("edgeshop-fault:k")]);
      const t0 = performance.now();
      const { errors, recoveryMs } = await outage(redis, call);
      console.log(
        `  Redis: ${errors.length} clean errors in ${Math.round(performance.now() - t0)} ms, ` +
          `recovered ${recoveryMs} ms after restart`,
      );
      for (const e of errors) {
        assert.equal((e as Error).name, "UpstashError");
        assert.match((e as Error).message, /Redis unavailable/);
      }
      assert.ok(recoveryMs < 5000);
      // A transaction gets its own pooled connection: those recover too.
      const tx = client.multi();
      tx.incr("edgeshop-fault:n");
      assert.deepEqual(await tx.exec(), [1]);
    });
  } finally {
    await bridges.close();
    await Promise.all([pg.stop(), redis.stop()]);
  }
});
