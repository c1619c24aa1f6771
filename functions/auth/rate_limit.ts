import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import type { Context } from "hono";
import { ApiError } from "../../shared/errors.ts";
import type { Logger } from "../../shared/log.ts";
import { memoryConsume, memoryPeek } from "./memory_limiter.ts";
import { withTimeout } from "../../shared/timeout.ts";
import { sha256Hex } from "../../shared/encoding.ts";

/** One limit: at most `limit` hits per `windowSeconds` per identifier. */
export interface LimitRule {
  name: string;
  limit: number;
  windowSeconds: number;
}

/** The outcome of a check. */
export interface LimitDecision {
  ok: boolean;
  /** Hits left in the current window (0 when refused). */
  remaining: number;
  /** Seconds until the window frees a hit again (at least 1). */
  retryAfter: number;
  source: "redis" | "memory";
}

const retryAfter = (reset: number) => Math.max(1, Math.ceil((reset - Date.now()) / 1000));

/**
 * Rate limits in Redis (`@upstash/ratelimit`, sliding window, keys under
 * `REDIS_PREFIX`), falling back per call to the in-isolate limiter when
 * Redis errs or is slow. Build one per request around that request's client.
 */
export class Limiter {
  /** `timeoutMs` (REDIS_TIMEOUT_MS): how long Redis may take before the in-memory limiter decides. */
  constructor(
    private redis: Redis,
    private prefix: string,
    private log?: Logger,
    private timeoutMs = 500,
  ) {}

  #ratelimit(rule: LimitRule): Ratelimit {
    return new Ratelimit({
      redis: this.redis,
      limiter: Ratelimit.slidingWindow(rule.limit, `${rule.windowSeconds} s`),
      prefix: `${this.prefix}auth:rl:${rule.name}`,
      // The library's own timeout lets requests through (fails open); ours falls back instead.
      timeout: 0,
      ephemeralCache: false,
      analytics: false,
    });
  }

  #fallback(rule: LimitRule, err: unknown) {
    this.log?.warn("Rate limiter falls back to memory", {
      rule: rule.name,
      err: (err as Error).message,
    });
  }

  /** Counts a hit against `rule` for `id`. */
  consume(rule: LimitRule, id: string): Promise<LimitDecision> {
    return this.#decide(rule, id, memoryConsume, async () => {
      const r = await this.#ratelimit(rule).limit(id);
      return { ok: r.success, remaining: r.remaining, reset: r.reset };
    });
  }

  /** Whether `id` has hits left under `rule`, without counting one. */
  peek(rule: LimitRule, id: string): Promise<LimitDecision> {
    return this.#decide(rule, id, memoryPeek, async () => {
      const r = await this.#ratelimit(rule).getRemaining(id);
      return { ok: r.remaining > 0, remaining: r.remaining, reset: r.reset };
    });
  }

  /** Asks Redis within `timeoutMs`; on an error or a timeout, the in-isolate limiter. */
  async #decide(
    rule: LimitRule,
    id: string,
    memory: typeof memoryConsume,
    redis: () => Promise<{ ok: boolean; remaining: number; reset: number }>,
  ): Promise<LimitDecision> {
    try {
      const r = await withTimeout(redis(), this.timeoutMs, "Redis");
      return { ok: r.ok, remaining: r.remaining, retryAfter: retryAfter(r.reset), source: "redis" };
    } catch (err) {
      this.#fallback(rule, err);
      const r = memory(`${this.prefix}${rule.name}:${id}`, rule.limit, rule.windowSeconds * 1000);
      return {
        ok: r.success,
        remaining: r.remaining,
        retryAfter: retryAfter(r.reset),
        source: "memory",
      };
    }
  }
}

/** Throws 429 `rate_limited` with `Retry-After` unless the decision allows. */
export function enforce(d: LimitDecision): void {
  if (!d.ok) {
    throw new ApiError(429, "rate_limited", "Too many requests; try again later", {}, {
      "Retry-After": String(d.retryAfter),
    });
  }
}

/**
 * `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers,
 * structured-field lists: `"name";q=quota;w=window` and
 * `"name";r=remaining;t=seconds`) for the per-client limits of a route. Only
 * per-address limits are shown: per-account counts would tell anyone how
 * often someone else's account was guessed at.
 */
export function showLimits(
  c: Context,
  limits: { rule: LimitRule; decision: LimitDecision }[],
): void {
  const headers = {
    "RateLimit-Policy": limits.map(({ rule }) =>
      `"${rule.name}";q=${rule.limit};w=${rule.windowSeconds}`
    )
      .join(", "),
    RateLimit: limits.map(({ rule, decision }) =>
      `"${rule.name}";r=${decision.remaining};t=${decision.retryAfter}`
    ).join(", "),
  };
  // Set on the context, so a 429 problem response carries them too.
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
}

/** Identifiers in Redis keys are hashed: emails are personal data. */
export async function hashId(value: string): Promise<string> {
  return (await sha256Hex(value)).slice(0, 32);
}
