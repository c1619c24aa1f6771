import type { Context } from "hono";
import { bumpCatalogVersion } from "../../shared/catalog_version.ts";
import { redisClient } from "../../shared/redis.ts";
import type { SearchEnv } from "./env.ts";

/**
 * Bumps the catalog version after a committed write, before the response:
 * the writer's next search must not see a cached page from before its
 * write. If Redis cannot be reached the write still stands (it is in
 * Postgres) and the failure is logged; cached pages then age out by TTL.
 */
export async function afterCatalogWrite(c: Context, env: SearchEnv): Promise<void> {
  try {
    await bumpCatalogVersion(redisClient(env, { retries: 2 }), env.REDIS_PREFIX);
  } catch (err) {
    c.get("log")?.error(
      "Cannot bump the catalog version; cached searches may be stale until their TTL",
      { err },
    );
  }
}
