/**
 * Seeds a database for local work and demos: the admin account (from
 * SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD, locally admin@edgeshop.local /
 * edgeshop-admin), a catalog — generated (3,000 products by default) or
 * imported from your own NDJSON/JSON file — and stock for it.
 *
 *   deno task seed                          # into the local `edgeshop` database
 *   deno task seed --catalog products.ndjson
 *   deno task seed --count 100000
 *
 * The catalog and its stock are seeded only into an empty catalog (or when
 * a file is given), so a second run keeps what you changed.
 */
// @ts-types="@types/pg"
import pg from "pg";
import { Redis } from "@upstash/redis";
import { bumpCatalogVersion } from "../shared/catalog_version.ts";
import { seedAdmin } from "./seed_admin.ts";
import { seedCatalog } from "./catalog/seed.ts";
import { importCatalog } from "./catalog/import.ts";
import { seedInventory } from "./seed_inventory.ts";

export interface SeedOptions {
  /** Owner URL of the database. */
  ownerUrl: string;
  /** The auth function's env (its role URL and the Neon bridge): the admin is written through it. */
  authEnv: Record<string, string>;
  catalogFile?: string;
  count?: number;
  /** Where search caches live, so a reseed is not hidden behind cached results. */
  redis?: { url: string; token: string; prefix: string };
  log?: (line: string) => void;
}

/** Seeds the admin, the catalog (if empty or a file is given) and its stock. */
export async function seed(opts: SeedOptions): Promise<void> {
  const log = opts.log ?? console.log;
  const email = Deno.env.get("SEED_ADMIN_EMAIL") ?? "admin@edgeshop.local";
  const password = Deno.env.get("SEED_ADMIN_PASSWORD") ?? "edgeshop-admin";
  await seedAdmin(opts.authEnv, email, password);
  log(`admin ${email} is ready`);

  const client = new pg.Client({ connectionString: opts.ownerUrl });
  await client.connect();
  try {
    const { rows: [{ n }] } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM catalog.products",
    );
    if (opts.catalogFile) {
      const report = await importCatalog(opts.catalogFile, { databaseUrl: opts.ownerUrl, log });
      log(
        `imported ${report.created} new and ${report.updated} updated products, rejected ${report.rejected.length}`,
      );
      for (const r of report.rejected.slice(0, 20)) {
        log(`  line ${r.line}${r.id ? ` (${r.id})` : ""}: ${r.message}`);
      }
    } else if (n === 0) {
      const { inserted } = await seedCatalog({
        databaseUrl: opts.ownerUrl,
        count: opts.count,
        log,
      });
      log(`generated ${inserted} products`);
    } else {
      log(`catalog has ${n} products; leaving it (and its stock) as it is`);
      return;
    }
    await seedInventory(client);
    log("stock set for every product");
    if (opts.redis) {
      const redis = new Redis({
        url: opts.redis.url,
        token: opts.redis.token,
        enableTelemetry: false,
      });
      await bumpCatalogVersion(redis, opts.redis.prefix);
    }
  } finally {
    await client.end();
  }
}

if (import.meta.main) {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({
    args: Deno.args,
    options: { catalog: { type: "string" }, count: { type: "string" } },
  });
  const { ensureDatabase, ensureServers, withDatabase } = await import("../dev/servers.ts");
  const { startBridges } = await import("../dev/bridges.ts");
  const { functionEnv, devSigningKey } = await import("../dev/local_env.ts");
  const database = Deno.env.get("DEV_DATABASE") ?? "edgeshop";
  const servers = await ensureServers();
  const { neon, upstash, close } = await startBridges(servers);
  try {
    await ensureDatabase(servers.postgresUrl, database);
    const ownerUrl = Deno.env.get("MIGRATE_DATABASE_URL") ??
      withDatabase(servers.postgresUrl, database);
    const { migrate } = await import("./migrate.ts");
    await migrate(ownerUrl, { log: console.log });
    const authEnv = functionEnv("auth", {
      serverUrl: servers.postgresUrl,
      database,
      neon,
      upstash,
      authUrl: "http://127.0.0.1:8001",
      signingKey: await devSigningKey(),
    });
    await seed({
      ownerUrl,
      authEnv,
      catalogFile: values.catalog,
      // A running `deno task dev` shares this Redis: drop its cached searches.
      redis: { ...upstash, prefix: authEnv.REDIS_PREFIX },
      count: values.count ? Number(values.count) : undefined,
    });
  } finally {
    await close();
    await servers.stop();
  }
}
