/**
 * `deno task test`: prepares what the tests need and runs `deno test`.
 *
 * Finds (or starts) PostgreSQL and Redis, creates a throwaway database
 * `edgeshop_test_<random>` (never the developer's `edgeshop`), applies the migrations,
 * starts the Neon and Upstash bridges on free ports, runs `deno test -A` with
 * their addresses in env (extra arguments pass through: `deno task test
 * functions/auth`), then drops the database and deletes the tests' Redis keys.
 */
import { migrate } from "../db/migrate.ts";
import { startNeonBridge } from "../dev/neon_bridge.ts";
import { startUpstashBridge } from "../dev/upstash_bridge.ts";
import {
  deleteKeys,
  dropDatabase,
  ensureServers,
  recreateDatabase,
  withDatabase,
} from "../dev/servers.ts";

// A name of its own per run, so two runs at once (two terminals, CI) never
// drop each other's database.
const TEST_DB = Deno.env.get("TEST_DATABASE") ?? `edgeshop_test_${crypto.randomUUID().slice(0, 8)}`;
const log = (line: string) => console.log(`[test] ${line}`);

const servers = await ensureServers(log);
await recreateDatabase(servers.postgresUrl, TEST_DB);
const testDatabaseUrl = withDatabase(servers.postgresUrl, TEST_DB);
await migrate(testDatabaseUrl);
const pgHost = new URL(servers.postgresUrl);
const neon = await startNeonBridge({
  port: 0,
  allowedHosts: [`${pgHost.hostname}:${pgHost.port || 5432}`],
});
const token = crypto.randomUUID();
const upstash = await startUpstashBridge({ redisUrl: servers.redisUrl, token, port: 0 });
log(`database ${TEST_DB}, Neon bridge ${neon.url}, Upstash bridge ${upstash.url}`);

let code = 1;
try {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", ...Deno.args],
    env: {
      TEST_DATABASE_URL: testDatabaseUrl,
      TEST_REDIS_URL: servers.redisUrl,
      NEON_HTTP_ENDPOINT: neon.sqlEndpoint,
      NEON_WS_PROXY: neon.wsProxy,
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: token,
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
    console.log(
      `\ntests: ${match[1]} passed, ${match[2]} failed${match[3] ? `, ${match[3]} skipped` : ""}`,
    );
  }
} finally {
  await neon.close();
  await upstash.close();
  await dropDatabase(servers.postgresUrl, TEST_DB).catch((e) =>
    log(`cannot drop ${TEST_DB}: ${e}`)
  );
  await deleteKeys(servers.redisUrl, "edgeshop-test:").catch((e) =>
    log(`cannot delete test keys: ${e}`)
  );
  await servers.stop();
}
Deno.exit(code);
