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

/**
 * A fresh Redis key prefix, so tests never touch each other's or a developer's
 * keys. It sits under the run's own prefix (`EDGESHOP_TEST_RUN`, set by
 * tests/run.ts), so a run's cleanup never deletes a concurrent run's keys.
 */
export const testPrefix = () => `${testRunPrefix()}${crypto.randomUUID().slice(0, 8)}:`;

/** The Redis prefix of this whole test run. */
export const testRunPrefix = () => `edgeshop-test:${get("EDGESHOP_TEST_RUN", "local")}:`;

/** Database role each service connects as (see db/migrations/0001_roles.sql). */
export const SERVICE_ROLES = {
  auth: "edgeshop_auth",
  search: "edgeshop_search",
  checkout: "edgeshop_checkout",
} as const;

/** The URL a service uses in tests: its own role on the tests' database. */
export function serviceDatabaseUrl(service: keyof typeof SERVICE_ROLES): string {
  const url = new URL(testDatabaseUrl());
  url.username = SERVICE_ROLES[service];
  url.password = "edgeshop";
  return url.toString();
}

/**
 * A complete env object for one service's app in tests (pass it to
 * `app.request(path, init, env)`; reuse the same object across requests).
 */
export function serviceEnv(
  service: keyof typeof SERVICE_ROLES,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: serviceDatabaseUrl(service),
    ...bridges(),
    REDIS_PREFIX: testPrefix(),
    LOG_LEVEL: "error",
    ...extra,
  };
}

/**
 * A Workers-like execution context for `app.request(path, init, env, ctx)`:
 * it collects what the app hands to `waitUntil`, so a test waits for that
 * background work (`settle()`) instead of sleeping.
 */
export function testExecutionContext() {
  const pending: Promise<unknown>[] = [];
  return {
    ctx: {
      waitUntil: (p: Promise<unknown>) => void pending.push(p),
      passThroughOnException() {},
      props: {},
    },
    async settle(): Promise<void> {
      while (pending.length) await Promise.allSettled(pending.splice(0));
    },
  };
}
