import { neon, neonConfig, Pool } from "@neondatabase/serverless";
import type { BaseEnv } from "./env.ts";

/**
 * Points the Neon driver at the local bridges when the env names them.
 * `fetchEndpoint` is global in the driver, so this sets it on every call;
 * the value is the same for every request of one deployment.
 */
function configure(env: BaseEnv): void {
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

/** A `neon()` HTTP query function for this request (one HTTP round trip per query or transaction). */
export function sqlClient(env: BaseEnv) {
  configure(env);
  return neon(env.DATABASE_URL);
}

/** The same, answering `{ rows, fields, rowCount, command }` instead of bare rows. */
export function sqlClientFull(env: BaseEnv) {
  configure(env);
  return neon(env.DATABASE_URL, { fullResults: true });
}

/**
 * A WebSocket `Pool` for interactive transactions. Create, use and end it
 * inside one request (`waitUntil(pool.end())`): Workers forbids sharing
 * sockets between requests.
 */
export function pgPool(env: BaseEnv): Pool {
  configure(env);
  return new Pool({ connectionString: env.DATABASE_URL, max: 1 });
}
