/**
 * `deno task dev`: the whole system on this machine, no accounts needed.
 *
 * Finds (or starts) PostgreSQL and Redis, starts the Neon and Upstash
 * bridges, migrates and seeds the `edgeshop` database, runs each function
 * (auth, search, checkout and the storefront) as its own `deno serve`
 * process on its own port, and a gateway on 127.0.0.1:8000 that serves the
 * storefront at `/`. Ctrl-C stops everything it started.
 *
 *   deno task dev                   # functions on Deno
 *   deno task dev --runtime=workerd # the same functions under wrangler dev
 *   deno task dev --fresh           # first drop the dev database and the stack's Redis keys
 */
import { migrate } from "../db/migrate.ts";
import { seed } from "../db/seed.ts";
import { startBridges } from "./bridges.ts";
import {
  deleteKeys,
  ensureDatabase,
  ensureServers,
  recreateDatabase,
  withDatabase,
} from "./servers.ts";
import { exitOnSignals, onShutdown, shutdown } from "./shutdown.ts";
import { devSigningKey, PORTS, SERVICES, stackEnvs } from "./local_env.ts";
import { type Runtime, startStack } from "./stack.ts";

const DATABASE = Deno.env.get("DEV_DATABASE") ?? "edgeshop";
const REDIS_PREFIX = Deno.env.get("REDIS_PREFIX") ?? "edgeshop:";
const runtime: Runtime = Deno.args.includes("--runtime=workerd") ? "workerd" : "deno";
const log = (line: string) => console.log(`[dev] ${line}`);
const fresh = Deno.args.includes("--fresh");
// Ctrl-C reaches every process of the group at once; this process alone
// stops what it started, once (dev/shutdown.ts).
exitOnSignals(log);
const cleanups = { push: (fn: () => Promise<unknown>) => onShutdown(fn) };

try {
  const servers = await ensureServers(log);
  cleanups.push(servers.stop);
  if (fresh) {
    log(`--fresh: recreating database ${DATABASE} and deleting Redis keys ${REDIS_PREFIX}*`);
    await recreateDatabase(servers.postgresUrl, DATABASE);
    await deleteKeys(servers.redisUrl, REDIS_PREFIX);
  } else await ensureDatabase(servers.postgresUrl, DATABASE);
  const ownerUrl = withDatabase(servers.postgresUrl, DATABASE);
  await migrate(ownerUrl, { log });

  const { neon, upstash, close } = await startBridges(servers, {
    neonPort: PORTS.neonBridge,
    upstashPort: PORTS.upstashBridge,
    token: Deno.env.get("UPSTASH_REDIS_REST_TOKEN") ?? "local-dev-token",
  });
  cleanups.push(close);

  const envs = stackEnvs({
    serverUrl: servers.postgresUrl,
    database: DATABASE,
    neon,
    upstash,
    authUrl: `http://127.0.0.1:${PORTS.auth}`,
    signingKey: await devSigningKey(),
  });
  await seed({
    ownerUrl,
    authEnv: envs.auth,
    redis: { ...upstash, prefix: envs.search.REDIS_PREFIX },
    log,
  });

  const stack = await startStack({
    runtime,
    envs,
    ports: { auth: PORTS.auth, search: PORTS.search, checkout: PORTS.checkout },
    storefrontPort: PORTS.storefront,
    gatewayPort: PORTS.gateway,
  });
  cleanups.push(stack.stop);

  const base = stack.gatewayUrl;
  console.log(`
Edgeshop is running at ${base}/ (functions on ${runtime}).
  storefront ${base}/   (the shop; admin at ${base}/admin)
  gateway    ${base}   (/auth, /search, /checkout; everything else to the storefront)
${
    SERVICES.map((s) =>
      `  ${s.padEnd(10)} http://127.0.0.1:${PORTS[s]}/${s}   docs: ${base}/${s}/docs`
    ).join("\n")
  }
  neon       ${neon.sqlEndpoint} (HTTP) and ws://${neon.wsProxy} (WebSocket)
  upstash    ${upstash.url}
  admin      ${Deno.env.get("SEED_ADMIN_EMAIL") ?? "admin@edgeshop.local"} / ${
    Deno.env.get("SEED_ADMIN_PASSWORD") ? "(SEED_ADMIN_PASSWORD)" : "edgeshop-admin"
  }
Press Ctrl-C to stop.`);
} catch (err) {
  console.error(`[dev] ${err instanceof Error ? err.message : err}`);
  await shutdown(1, log);
}
