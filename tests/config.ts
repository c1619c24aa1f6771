/**
 * What a test needs to reach the real servers. `deno task test` (tests/run.ts)
 * prepares a throwaway database, starts the local bridges and passes their
 * addresses in these variables; the defaults let a single file run under
 * plain `deno test -A` against a stack that `deno task dev` started.
 */
function get(name: string, fallback: string): string {
  return Deno.env.get(name) ?? fallback;
}

/** Superuser URL of the tests' own database (never the developer's). */
export const testDatabaseUrl = () =>
  get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/edgeshop_test");

/** Direct Redis URL (for setup and cleanup only; services go through the bridge). */
export const testRedisUrl = () => get("TEST_REDIS_URL", "redis://127.0.0.1:6379");

/** Neon bridge `/sql` endpoint and WebSocket proxy, and the Upstash bridge. */
export const bridges = () => ({
  NEON_HTTP_ENDPOINT: get("NEON_HTTP_ENDPOINT", "http://127.0.0.1:4444/sql"),
  NEON_WS_PROXY: get("NEON_WS_PROXY", "127.0.0.1:4444/v2"),
  UPSTASH_REDIS_REST_URL: get("UPSTASH_REDIS_REST_URL", "http://127.0.0.1:8079"),
  UPSTASH_REDIS_REST_TOKEN: get("UPSTASH_REDIS_REST_TOKEN", "local-dev-token"),
});

/** A fresh Redis key prefix, so tests never touch each other's or a developer's keys. */
export const testPrefix = () => `test:${crypto.randomUUID().slice(0, 8)}:`;
