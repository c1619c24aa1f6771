import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { CACHE_CLIENT, deps } from "./deps.ts";
import { catalogVersionKey } from "../../shared/catalog_version.ts";
import { waitUntil } from "../../shared/wait_until.ts";
import { sha256Hex } from "../../shared/encoding.ts";
import { redisBytes, redisClient } from "../../shared/redis.ts";
import type { SearchEnv } from "./env.ts";

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
 * The reply is a single string "v<version>\n<entry>", read as bytes: the
 * entry is the exact bytes stored and a hit is served without parsing it.
 */
const LOOKUP = `local v = redis.call('GET', KEYS[1]) or '0'
local hit = redis.call('GET', ARGV[1] .. v .. ':' .. ARGV[2])
return 'v' .. v .. '\\n' .. (hit or '')`;

export type CacheOutcome =
  | { status: "hit"; body: Uint8Array<ArrayBuffer>; version: string }
  | { status: "miss"; version: string }
  | { status: "bypass" };

const entryPrefix = (prefix: string, kind: string) => `${prefix}search:${kind}:`;

/** A cache handle for one request: the normalised request's key and where to look. */
export interface CacheRef {
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
  prefix: string,
  kind: string,
  normalised: string,
): Promise<CacheRef> {
  const hash = normalised.length <= VERBATIM_KEY_CHARS
    ? `=${normalised}`
    : `#${await sha256Hex(normalised)}`;
  return { prefix, kind, hash };
}

/**
 * Looks the entry up; any Redis failure or slowness is a `bypass`, never an
 * error. The lookup's deadline is its own (SEARCH_REDIS_TIMEOUT_MS from now)
 * and aborts the fetch itself, with no timer raced beside it. The entry comes
 * back as the bytes stored (shared/redis.ts `redisBytes`): a hit is served
 * without decoding, parsing or re-encoding it.
 */
export async function cacheLookup(env: SearchEnv, ref: CacheRef): Promise<CacheOutcome> {
  try {
    const reply = await redisBytes(env, [
      "EVAL",
      LOOKUP,
      1,
      catalogVersionKey(ref.prefix),
      entryPrefix(ref.prefix, ref.kind),
      ref.hash,
    ], AbortSignal.timeout(env.SEARCH_REDIS_TIMEOUT_MS));
    if (reply?.[0] !== V) return { status: "bypass" };
    const newline = reply.indexOf(NEWLINE);
    if (newline < 0) return { status: "bypass" };
    // The version is ASCII digits.
    const version = String.fromCharCode(...reply.subarray(1, newline));
    const body = reply.subarray(newline + 1);
    return body.length ? { status: "hit", body, version } : { status: "miss", version };
  } catch {
    return { status: "bypass" };
  }
}

const V = "v".charCodeAt(0);
const NEWLINE = "\n".charCodeAt(0);

/**
 * Stores a fresh result under the version read before the query, after the
 * response is sent, on a client of its own: a client's deadline runs from its
 * creation (shared/redis.ts), so the write after a slow query needs its own,
 * or a search slower than REDIS_TIMEOUT_MS could never be cached.
 */
export function cacheStore(
  c: Context<AppEnv>,
  ref: CacheRef,
  version: string,
  body: string,
  ttlSeconds: number,
): void {
  // If a write bumped the version meanwhile, this entry lands under the old
  // version, which nobody reads any more: a race can waste a write, never
  // serve stale data.
  const key = `${entryPrefix(ref.prefix, ref.kind)}${version}:${ref.hash}`;
  const redis = redisClient(deps(c).env, CACHE_CLIENT);
  waitUntil(c, redis.set(key, body, { ex: ttlSeconds }));
}
