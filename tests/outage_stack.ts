/**
 * A whole local stack on throwaway PostgreSQL and Redis (never the machine's
 * shared servers), for the outage tests: migrated database, both bridges,
 * the three functions as `deno serve` processes behind the gateway, one
 * product with stock and signed-up customers. The test stops and restarts
 * the servers under it.
 */
// @ts-types="@types/pg"
import pg from "pg";
import { migrate } from "../db/migrate.ts";
import { startBridges } from "../dev/bridges.ts";
import { newSigningKey, SERVICES, stackEnvs } from "../dev/local_env.ts";
import { ensureDatabase, withDatabase } from "../dev/servers.ts";
import { freePort } from "../dev/ports.ts";
import { startStack } from "../dev/stack.ts";
import { startPostgres, startRedis } from "../dev/throwaway.ts";

const DATABASE = "edgeshop_outage";
export const PRODUCT = "outage-headphones";
export const ON_HAND = 100_000;
export const PASSWORD = "correct horse battery";

export async function outageStack() {
  const quiet = () => {};
  const [postgres, redis] = await Promise.all([startPostgres(quiet), startRedis(quiet)]);
  const stops: (() => Promise<unknown>)[] = [postgres.stop, redis.stop];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    await ensureDatabase(postgres.url, DATABASE);
    const dbUrl = withDatabase(postgres.url, DATABASE);
    await migrate(dbUrl);
    const bridges = await startBridges({ postgresUrl: postgres.url, redisUrl: redis.url });
    stops.push(bridges.close);
    const ports = { auth: freePort(), search: freePort(), checkout: freePort() };
    const envs = stackEnvs({
      serverUrl: postgres.url,
      database: DATABASE,
      neon: bridges.neon,
      upstash: bridges.upstash,
      authUrl: `http://127.0.0.1:${ports.auth}`,
      signingKey: await newSigningKey(),
      redisPrefix: "edgeshop-outage:",
    });
    for (const s of SERVICES) envs[s].LOG_LEVEL = "error";
    // Many logins from one address in a few seconds; cheap hashes keep the CPU for the test.
    Object.assign(envs.auth, {
      RATE_LIMIT_LOGIN_PER_IP: "100000",
      PASSWORD_PBKDF2_ITERATIONS: "1000",
    });
    // A lease that ends at once, so retries after the outage resume orders without waiting a minute.
    envs.checkout.CHECKOUT_KEY_LEASE_SECONDS = "1";
    const stack = await startStack({ runtime: "deno", envs, ports, quiet: true });
    stops.push(stack.stop);

    const db = new pg.Client({ connectionString: dbUrl });
    db.on("error", () => {}); // it dies with Postgres; the test reconnects
    await db.connect();
    await db.query(
      `INSERT INTO catalog.products (id, name, brand, description, price_cents)
       VALUES ($1, 'Outage Headphones', 'Faultline', 'Wireless headphones that survive restarts', 1999)`,
      [PRODUCT],
    );
    await db.query("INSERT INTO checkout.inventory (product_id, on_hand) VALUES ($1, $2)", [
      PRODUCT,
      ON_HAND,
    ]);
    await db.end();

    const base = stack.gatewayUrl;
    const customer = async (name: string) => {
      const email = `${name}.${crypto.randomUUID().slice(0, 8)}@example.com`;
      const res = await fetch(`${base}/auth/signup`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      if (res.status !== 201) throw new Error(`signup: ${res.status} ${await res.text()}`);
      const body = await res.json();
      return { email, token: body.access_token as string, id: body.user.id as string };
    };
    return { postgres, redis, dbUrl, base, ports, customer, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export type OutageStack = Awaited<ReturnType<typeof outageStack>>;
