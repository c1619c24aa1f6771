import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { deps } from "./deps.ts";
import type { Redis } from "@upstash/redis";
import { catalogVersionKey } from "../../shared/catalog_version.ts";
import { waitUntil } from "../../shared/wait_until.ts";
import { withTimeout } from "../../shared/timeout.ts";
import { sha256Hex } from "../../shared/encoding.ts";

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
 * The reply is a single string "v<version>\n<entry>": @upstash/redis parses
 * any reply that is valid JSON, and this never is, so the entry comes back
 * as the exact bytes stored and a hit is served without parsing it.
 */
const LOOKUP = `local v = redis.call('GET', KEYS[1]) or '0'
local hit = redis.call('GET', ARGV[1] .. v .. ':' .. ARGV[2])
return 'v' .. v .. '\\n' .. (hit or '')`;

export type CacheOutcome =
  | { status: "hit"; body: string; version: string }
  | { status: "miss"; version: string }
  | { status: "bypass" };

const entryPrefix = (prefix: string, kind: string) => `${prefix}search:${kind}:`;

/** A cache handle for one request: the normalised request's hash and where to look. */
export interface CacheRef {
  redis: Redis;
  prefix: string;
  kind: string;
  hash: string;
}

/** Hashes the normalised request (its parameters in a fixed order) into a cache reference. */
export async function cacheRef(
  redis: Redis,
  prefix: string,
  kind: string,
  normalised: string,
): Promise<CacheRef> {
  return { redis, prefix, kind, hash: await sha256Hex(normalised) };
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
 * or a search slower than REDIS_TIMEOUT_MS could never be cached.
 */
export function fresh(c: Context<AppEnv>, ref: CacheRef): CacheRef {
  return { ...ref, redis: deps(c).cache };
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
