import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { CACHE_CLIENT, deps } from "./deps.ts";
import type { Redis } from "@upstash/redis";
import { catalogVersionKey } from "../../shared/catalog_version.ts";
import { waitUntil } from "../../shared/wait_until.ts";
import { withTimeout } from "../../shared/timeout.ts";
import { sha256Hex } from "../../shared/encoding.ts";
import { redisClient } from "../../shared/redis.ts";

/**
 * The search cache. Keys embed the catalog version, so an admin write (which
 * bumps the version) makes every older entry unreachable at once, without
 * deleting anything; TTLs clean them up.
 *
 * A lookup is ONE Redis round trip: a Lua script reads the version and the
 * entry under that version in the same call (the entry's key depends on the
 * version, so a plain MGET or pipeline cannot do it). The script builds a
 * key it was not passed in KEYS, which Upstash (single shard) allows.
 *
 * The reply is a single string "v<version>\n<entry>", which the cache's
 * client (shared/redis.ts, `text: true`) hands back as it came: the entry is
 * the exact bytes stored and a hit is served without parsing it.
 */
const LOOKUP = `local v = redis.call('GET', KEYS[1]) or '0'
local hit = redis.call('GET', ARGV[1] .. v .. ':' .. ARGV[2])
return 'v' .. v .. '\\n' .. (hit or '')`;

export type CacheOutcome =
  | { status: "hit"; body: string; version: string }
  | { status: "miss"; version: string }
  | { status: "bypass" };

const entryPrefix = (prefix: string, kind: string) => `${prefix}search:${kind}:`;

/** A cache handle for one request: the normalised request's key and where to look. */
export interface CacheRef {
  redis: Redis;
  prefix: string;
  kind: string;
  /** The normalised request itself ("=…") or, when long, its SHA-256 ("#…"). */
  hash: string;
}

/**
 * Normalised requests up to this length are their own key: a short key costs
 * Redis nothing, and hashing (crypto.subtle is async, a hop to another
 * thread) was a fifth of a cached hit. Longer ones (many filters) are hashed
 * so that a key stays small; the two forms cannot meet ("=" vs "#").
 */
export const VERBATIM_KEY_CHARS = 256;

/** The cache reference of a normalised request (its parameters in a fixed order). */
export async function cacheRef(
  redis: Redis,
  prefix: string,
  kind: string,
  normalised: string,
): Promise<CacheRef> {
  const hash = normalised.length <= VERBATIM_KEY_CHARS
    ? `=${normalised}`
    : `#${await sha256Hex(normalised)}`;
  return { redis, prefix, kind, hash };
}

/** Looks the entry up; any Redis failure or slowness is a `bypass`, never an error. */
export async function cacheLookup(ref: CacheRef, timeoutMs: number): Promise<CacheOutcome> {
  try {
    const reply = await withTimeout(
      ref.redis.eval<string[], unknown>(LOOKUP, [catalogVersionKey(ref.prefix)], [
        entryPrefix(ref.prefix, ref.kind),
        ref.hash,
      ]),
      timeoutMs,
      "Redis",
    );
    if (typeof reply !== "string" || !reply.startsWith("v")) return { status: "bypass" };
    const newline = reply.indexOf("\n");
    const version = reply.slice(1, newline);
    const body = reply.slice(newline + 1);
    return body ? { status: "hit", body, version } : { status: "miss", version };
  } catch {
    return { status: "bypass" };
  }
}

/**
 * The same reference on a new Redis client: a client's deadline runs from its
 * creation (shared/redis.ts), so the write after a slow query needs its own,
 * or a search slower than REDIS_TIMEOUT_MS could never be cached. (Not
 * `deps(c).cache`: that is the request's one client, the lookup's own.)
 */
export function fresh(c: Context<AppEnv>, ref: CacheRef): CacheRef {
  return { ...ref, redis: redisClient(deps(c).env, CACHE_CLIENT) };
}

/** Stores a fresh result under the version read before the query, after the response is sent. */
export function cacheStore(
  c: Context,
  ref: CacheRef,
  version: string,
  body: string,
  ttlSeconds: number,
): void {
  // If a write bumped the version meanwhile, this entry lands under the old
  // version, which nobody reads any more: a race can waste a write, never
  // serve stale data.
  const key = `${entryPrefix(ref.prefix, ref.kind)}${version}:${ref.hash}`;
  waitUntil(c, ref.redis.set(key, body, { ex: ttlSeconds }));
}
