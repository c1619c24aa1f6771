/**
 * `deno task test`: prepares what the tests need and runs `deno test`.
 *
 * Finds (or starts) PostgreSQL and Redis, creates a throwaway database
 * `edgeshop_test_<random>` (never the developer's `edgeshop`), applies the
 * migrations, seeds the admin, starts the Neon and Upstash bridges on free
 * ports and the four functions behind a gateway (for tests/e2e_test.ts and
 * the browser tests in tests/browser/),
 * runs `deno test -A` with their addresses in env (extra arguments pass
 * through: `deno task test functions/auth`), then drops the database and
 * deletes the tests' Redis keys.
 *
 * `deno task test:workers` (`--runtime=workerd`) runs the end-to-end suite
 * and the storefront's shopper journeys in a browser against the same
 * functions in workerd under `wrangler dev` instead.
 */
import { migrate } from "../db/migrate.ts";
import { seedAdmin } from "../db/seed_admin.ts";
import { startBridges } from "../dev/bridges.ts";
import {
  deleteKeys,
  dropDatabase,
  ensureServers,
  recreateDatabase,
  withDatabase,
} from "../dev/servers.ts";
import { newSigningKey, stackEnvs } from "../dev/local_env.ts";
import { freePort } from "../dev/ports.ts";
import { type Runtime, startStack } from "../dev/stack.ts";
import { testPrefix, testRunPrefix } from "./config.ts";
import { servePage } from "./browser.ts";
import { exitOnSignals, onShutdown } from "../dev/shutdown.ts";

const runtime: Runtime = Deno.args.includes("--runtime=workerd") ? "workerd" : "deno";
const args = Deno.args.filter((a) => !a.startsWith("--runtime="));
// A name of its own per run, so two runs at once (two terminals, CI) never
// drop each other's database.
const TEST_DB = Deno.env.get("TEST_DATABASE") ?? `edgeshop_test_${crypto.randomUUID().slice(0, 8)}`;
// The end-to-end suite needs the functions running; a run of other files does not.
const paths = args.filter((a) => !a.startsWith("-"));
const wantsStack = runtime === "workerd" || paths.length === 0 ||
  paths.some((p) => /^(\.\/)?tests(\/|$)/.test(p));
// Likewise a Redis prefix per run (tests/config.ts reads it).
Deno.env.set("EDGESHOP_TEST_RUN", TEST_DB.replace(/^edgeshop_test_/, ""));
const ADMIN = { email: "admin@edgeshop.test", password: crypto.randomUUID() };
const log = (line: string) => console.log(`[test] ${line}`);
const cleanups: (() => Promise<unknown>)[] = [];
const cleanUp = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup().catch((err) => log(`cleanup failed: ${err}`));
  }
};
// Ctrl-C drops the database, stops the stack and the servers all the same.
exitOnSignals(log);
onShutdown(cleanUp);
const started = performance.now();
const step = (line: string) =>
  log(`${line} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

let code = 1;
let summary = "";
try {
  step("finding PostgreSQL and Redis");
  const servers = await ensureServers(log);
  cleanups.push(servers.stop);
  step(`creating database ${TEST_DB} and applying the migrations`);
  await recreateDatabase(servers.postgresUrl, TEST_DB);
  cleanups.push(() => dropDatabase(servers.postgresUrl, TEST_DB));
  cleanups.push(() => deleteKeys(servers.redisUrl, testRunPrefix()));
  const testDatabaseUrl = withDatabase(servers.postgresUrl, TEST_DB);
  await migrate(testDatabaseUrl);

  step("starting the Neon and Upstash bridges");
  const { neon, upstash, close } = await startBridges(servers);
  cleanups.push(close);

  const ports = { auth: freePort(), search: freePort(), checkout: freePort() };
  // The browser tests' cross-origin page, which the stack's CORS allows. Served
  // here on a port bound now and held for the whole run: a port picked now and
  // bound later in the test could be taken meanwhile (AddrInUse under load).
  const crossOriginPage = servePage("<!doctype html><title>another origin</title>");
  cleanups.push(crossOriginPage.close);
  const pageOrigin = crossOriginPage.origin;
  const envs = stackEnvs({
    serverUrl: servers.postgresUrl,
    database: TEST_DB,
    neon,
    upstash,
    authUrl: `http://127.0.0.1:${ports.auth}`,
    signingKey: await newSigningKey(),
    redisPrefix: testPrefix(),
    extraCorsOrigins: [pageOrigin],
  });
  await seedAdmin(envs.auth, ADMIN.email, ADMIN.password);
  // The stack logs at info (access logs) into files the tests read
  // (tests/trace_test.ts), or at debug to the console with TEST_STACK_LOGS=1.
  const showLogs = Boolean(Deno.env.get("TEST_STACK_LOGS"));
  for (const env of Object.values(envs)) {
    env.LOG_LEVEL = showLogs ? "debug" : "info";
    // Deadlines for a loaded CI machine: the suite fires bursts (50 concurrent
    // requests at a fresh stack) while other test files run, and the 500 ms /
    // 1.5 s defaults then answer 503 for a healthy but slow Redis or Postgres.
    // The deadlines themselves are proved by the outage and deadline tests,
    // which run their own stacks with short ones.
    env.DB_TIMEOUT_MS = "10000";
    env.REDIS_TIMEOUT_MS = "10000";
  }
  const logDir = showLogs ? undefined : await Deno.makeTempDir({ prefix: "edgeshop-test-logs-" });
  if (logDir) cleanups.push(() => Deno.remove(logDir, { recursive: true }));
  if (wantsStack) {
    step(
      `starting the functions on ${runtime}${
        runtime === "workerd" ? " (wrangler dev: up to a minute)" : ""
      }`,
    );
  }
  const stack = wantsStack
    ? await startStack({ runtime, envs, ports, quiet: !showLogs, logDir })
    : undefined;
  if (stack) cleanups.push(stack.stop);
  log(
    `database ${TEST_DB}, bridges ${neon.url} ${upstash.url}, stack ${
      stack?.gatewayUrl ?? "not started"
    }`,
  );

  step("type-checking the test files, then running them");
  const child = new Deno.Command(Deno.execPath(), {
    // On workerd also the docs pages, whose Swagger UI files Workers Static Assets serves,
    // and the storefront's shopper journeys.
    args: [
      "test",
      "-A",
      ...(runtime === "workerd"
        ? ["tests/e2e_test.ts", "tests/stack_docs_browser_test.ts", "tests/browser/shopper_test.ts"]
        : args),
    ],
    env: {
      TEST_DATABASE_URL: testDatabaseUrl,
      TEST_REDIS_URL: servers.redisUrl,
      NEON_HTTP_ENDPOINT: neon.sqlEndpoint,
      NEON_WS_PROXY: neon.wsProxy,
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: upstash.token,
      ...(stack ? { E2E_BASE_URL: stack.gatewayUrl, E2E_PAGE_ORIGIN: pageOrigin } : {}),
      ...(stack && logDir ? { E2E_LOG_DIR: logDir } : {}),
      E2E_ADMIN_EMAIL: ADMIN.email,
      E2E_ADMIN_PASSWORD: ADMIN.password,
      EDGESHOP_TEST_RUN: Deno.env.get("EDGESHOP_TEST_RUN")!,
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  // Pass the output through and restate deno's summary as the plain
  // "N passed, N failed" line CI tools read.
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-2000);
  }
  code = (await child.status).code;
  const match = [...tail.matchAll(/(\d+) passed.*?\| (\d+) failed(?:.*?\| (\d+) ignored)?/g)].at(
    -1,
  );
  if (match) {
    summary = `\ntests: ${match[1]} passed, ${match[2]} failed${
      match[3] ? `, ${match[3]} skipped` : ""
    }`;
  }
} catch (err) {
  console.error(`[test] ${err instanceof Error ? err.stack : err}`);
} finally {
  step("cleaning up");
  await cleanUp();
}
// Last, so CI reads it as the run's closing line.
if (summary) console.log(summary);
Deno.exit(code);
