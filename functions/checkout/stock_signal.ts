import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { bumpCatalogVersion } from "../../shared/catalog_version.ts";
import { redisClient } from "../../shared/redis.ts";
import { waitUntil } from "../../shared/wait_until.ts";
import type { CheckoutEnv } from "./env.ts";

/** True when availability moved between 0 and more than 0, either way: search's `in_stock` flips. */
export const crossesZero = (before: number, after: number) => (before > 0) !== (after > 0);

/**
 * Search caches hits with `in_stock` under the catalog version; when a stock
 * change flips a product's `in_stock`, bump that version after the change
 * committed so the next search misses the cache. In the background: the
 * caller's response does not wait on it.
 */
export function announceStockFlip(c: Context<AppEnv>, env: CheckoutEnv, flipped: boolean): void {
  if (!flipped) return;
  waitUntil(c, bumpCatalogVersion(redisClient(env), env.REDIS_PREFIX));
}
