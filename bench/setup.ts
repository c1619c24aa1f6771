/**
 * A benchmark's own world: a fresh migrated database (dropped afterwards),
 * both bridges on free ports, and the env each function needs, so a bench
 * measures the same code path as production over the local bridges.
 */
import { exitOnSignals, onShutdown } from "../dev/shutdown.ts";
import { migrate } from "../db/migrate.ts";
import { startBridges } from "../dev/bridges.ts";
import {
  deleteKeys,
  dropDatabase,
  ensureServers,
  recreateDatabase,
  withDatabase,
} from "../dev/servers.ts";
import { roleUrl, type Service } from "../dev/local_env.ts";

export interface BenchWorld {
  /** Owner URL of the bench database. */
  ownerUrl: string;
  /** Direct server URLs, for baselines. */
  postgresUrl: string;
  redisUrl: string;
  neon: { sqlEndpoint: string; wsProxy: string };
  upstash: { url: string; token: string };
  /** Env for one function's app on this world. */
  env(service: Service, extra?: Record<string, string>): Record<string, string>;
}

/** Runs `fn` in a world of its own named `name`, and tears it down after. */
export async function withBenchWorld<T>(
  name: string,
  fn: (w: BenchWorld) => Promise<T>,
): Promise<T> {
  const database = `edgeshop_bench_${name}`;
  const prefix = `edgeshop-bench:${name}-${crypto.randomUUID().slice(0, 8)}:`;
  const servers = await ensureServers(() => {});
  await recreateDatabase(servers.postgresUrl, database);
  const ownerUrl = withDatabase(servers.postgresUrl, database);
  const { neon, upstash, close } = await startBridges(servers);
  const teardown = async () => {
    await close();
    await dropDatabase(servers.postgresUrl, database).catch(() => {});
    await deleteKeys(servers.redisUrl, prefix).catch(() => {});
    await servers.stop();
  };
  // Ctrl-C or a failure elsewhere still drops the database and stops the servers.
  exitOnSignals();
  const registered = onShutdown(teardown);
  try {
    await migrate(ownerUrl);
    return await fn({
      ownerUrl,
      postgresUrl: servers.postgresUrl,
      redisUrl: servers.redisUrl,
      neon,
      upstash,
      env: (service, extra = {}) => ({
        DATABASE_URL: roleUrl(servers.postgresUrl, database, service),
        NEON_HTTP_ENDPOINT: neon.sqlEndpoint,
        NEON_WS_PROXY: neon.wsProxy,
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: "error",
        // A bench measures latency; on a busy box a request past the production
        // deadline would end the run with a 503 (tests/outage_test.ts covers deadlines).
        DB_TIMEOUT_MS: "30000",
        REDIS_TIMEOUT_MS: "30000",
        ...(service === "checkout" ? { PAYMENT_PROVIDER: "test" } : {}),
        ...extra,
      }),
    });
  } finally {
    registered();
    await teardown();
  }
}
