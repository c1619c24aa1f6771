import type { Redis } from "@upstash/redis";

/**
 * The catalog version is part of every search cache key. Anything that
 * changes what a search returns (a product write in search, a stock level
 * crossing zero in checkout) bumps it, so the very next search misses the
 * cache instead of serving stale hits.
 */
export const catalogVersionKey = (prefix: string) => `${prefix}catalog:version`;

/** Bumps the catalog version; returns the new one. */
export function bumpCatalogVersion(redis: Redis, prefix: string): Promise<number> {
  return redis.incr(catalogVersionKey(prefix));
}
