import { neon, neonConfig, Pool } from "@neondatabase/serverless";
import type { BaseEnv } from "./env.ts";

/**
 * Points the Neon driver at the local bridges when the env names them
 * (production sets neither and the driver talks to Neon itself).
 * `fetchEndpoint` is global in the driver, so this sets it on every call;
 * the value is the same for every request of one deployment.
 */
export function configureNeon(env: Pick<BaseEnv, "NEON_HTTP_ENDPOINT" | "NEON_WS_PROXY">): void {
  if (env.NEON_HTTP_ENDPOINT) neonConfig.fetchEndpoint = env.NEON_HTTP_ENDPOINT;
  if (env.NEON_WS_PROXY) {
    const proxy = env.NEON_WS_PROXY;
    neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.forceDisablePgSSL = true;
    // The driver delays each write a tick to coalesce them; against a
    // loopback relay that costs ~2 ms a query and buys nothing.
    neonConfig.coalesceWrites = false;
  }
}

/**
 * A `neon()` HTTP query function for this request (one HTTP round trip per
 * query or transaction). Every query's fetch carries `signal` (the driver's
 * `fetchOptions`): once it fires, a query in flight is abandoned and later
 * ones fail at once, and the error handler answers 503. Default: the
 * request's whole Postgres budget, DB_TIMEOUT_MS from now.
 */
export function sqlClient(
  env: BaseEnv,
  signal: AbortSignal = AbortSignal.timeout(env.DB_TIMEOUT_MS),
) {
  configureNeon(env);
  return neon(env.DATABASE_URL, { fetchOptions: { signal } });
}

/**
 * A WebSocket `Pool` for interactive transactions. Create, use and end it
 * inside one request (`waitUntil(pool.end())`): Workers forbids sharing
 * sockets between requests.
 */
export function pgPool(
  env: Pick<BaseEnv, "DATABASE_URL" | "NEON_HTTP_ENDPOINT" | "NEON_WS_PROXY">,
  max = 1,
): Pool {
  configureNeon(env);
  return new Pool({ connectionString: env.DATABASE_URL, max });
}

/** The query function every `*_sql.ts` module takes: what `sqlClient` returns. */
export type Sql = ReturnType<typeof sqlClient>;
