/**
 * `deno task dev`: the whole system on this machine, no accounts needed.
 *
 * Finds (or starts) PostgreSQL and Redis, starts the Neon and Upstash
 * bridges, migrates and seeds the `edgeshop` database, runs each function
 * as its own `deno serve` process on its own port, and a gateway on
 * 127.0.0.1:8000. Ctrl-C stops everything it started.
 */
import { migrate } from "../db/migrate.ts";
import { seed } from "../db/seed.ts";
import { startNeonBridge } from "./neon_bridge.ts";
import { startUpstashBridge } from "./upstash_bridge.ts";
import { ensureDatabase, ensureServers, withDatabase } from "./servers.ts";
import { functionEnv, PORTS, roleUrl, SERVICES } from "./local_env.ts";
import { gatewayHandler } from "./gateway.ts";

const DATABASE = Deno.env.get("DEV_DATABASE") ?? "edgeshop";
const log = (line: string) => console.log(`[dev] ${line}`);
const cleanups: (() => Promise<unknown> | unknown)[] = [];

async function shutdown(code: number): Promise<never> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      log(`cleanup failed: ${err}`);
    }
  }
  Deno.exit(code);
}

async function waitReady(service: string, port: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/${service}/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Cannot start ${service}: no answer on port ${port} within 15 s`);
}

try {
  const servers = await ensureServers(log);
  cleanups.push(servers.stop);
  await ensureDatabase(servers.postgresUrl, DATABASE);
  const ownerUrl = withDatabase(servers.postgresUrl, DATABASE);
  await migrate(ownerUrl, { log });

  const pg = new URL(servers.postgresUrl);
  const neon = await startNeonBridge({
    port: PORTS.neonBridge,
    allowedHosts: [`${pg.hostname}:${pg.port || 5432}`],
  });
  cleanups.push(neon.close);
  const redisToken = Deno.env.get("UPSTASH_REDIS_REST_TOKEN") ?? "local-dev-token";
  const upstash = await startUpstashBridge({ redisUrl: servers.redisUrl, token: redisToken, port: PORTS.upstashBridge });
  cleanups.push(upstash.close);

  const envs = Object.fromEntries(
    await Promise.all(SERVICES.map(async (s) => [s, await functionEnv(s, {
      serverUrl: servers.postgresUrl,
      database: DATABASE,
      redisToken,
    })] as const)),
  );
  await seed({ ownerUrl, authEnv: envs.auth, searchUrl: roleUrl(servers.postgresUrl, DATABASE, "search"), log });

  for (const service of SERVICES) {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["serve", "-A", "--port", String(PORTS[service]), "--host", "127.0.0.1", `functions/${service}/main.ts`],
      cwd: new URL("..", import.meta.url),
      env: envs[service],
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    cleanups.push(async () => {
      child.kill("SIGTERM");
      await child.status;
    });
  }
  await Promise.all(SERVICES.map((s) => waitReady(s, PORTS[s])));

  const gateway = Deno.serve(
    { hostname: "127.0.0.1", port: PORTS.gateway, onListen: () => {} },
    gatewayHandler(Object.fromEntries(SERVICES.map((s) => [s, PORTS[s]]))),
  );
  cleanups.push(() => gateway.shutdown());

  const base = `http://127.0.0.1:${PORTS.gateway}`;
  console.log(`
Edgeshop is running.
  gateway    ${base}   (/auth, /search, /checkout)
${SERVICES.map((s) => `  ${s.padEnd(10)} http://127.0.0.1:${PORTS[s]}/${s}   docs: ${base}/${s}/docs`).join("\n")}
  neon       ${neon.sqlEndpoint} (HTTP) and ws://${neon.wsProxy} (WebSocket)
  upstash    ${upstash.url}
  admin      ${Deno.env.get("SEED_ADMIN_EMAIL") ?? "admin@edgeshop.local"} / ${
    Deno.env.get("SEED_ADMIN_EMAIL") ? "(SEED_ADMIN_PASSWORD)" : "edgeshop-admin"
  }
Press Ctrl-C to stop.`);
} catch (err) {
  console.error(`[dev] ${err instanceof Error ? err.message : err}`);
  await shutdown(1);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    log("stopping");
    shutdown(0);
  });
}
