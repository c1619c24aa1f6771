import { ApiError } from "./errors.ts";

/** Seconds a client should wait before retrying after a 503 (outages here last seconds). */
export const RETRY_AFTER_SECONDS = 2;

/** 503 `service_unavailable` with `Retry-After`: a dependency did not answer in time. */
export function serviceUnavailable(what = "A dependency"): ApiError {
  return new ApiError(
    503,
    "service_unavailable",
    `Cannot serve this request now: ${what} is not answering; retry shortly`,
    {},
    { "Retry-After": String(RETRY_AFTER_SECONDS) },
  );
}

// SQLSTATE classes of a server that is going away, overloaded or unreachable
// (08 connection exception, 53 insufficient resources, 57 operator
// intervention: shutdown, crash, starting up, statement canceled), as opposed
// to an error in the query itself.
const PG_UNAVAILABLE = /^(08|53|57)/;
// A Redis error reply (`ERR ...`, `WRONGTYPE ...`) as @upstash/redis words it
// for a command, an auto-pipelined command or an explicit pipeline.
const REDIS_REPLY = /^(?:Command (?:\d+ \[ \w+ \] )?failed: )?([A-Z]{2,}) /;
// Redis replies that mean "not now" rather than "bad command".
const REDIS_BUSY = new Set(["LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"]);
// What fetch throws when the connection fails (Deno, workerd, undici).
const NETWORK = /error sending request|fetch failed|network|connection (refused|reset|closed)/i;

/**
 * Which dependency `err` says is unreachable or too slow, or undefined when
 * it is some other error (a bug, a bad query: those stay 500). Recognises
 * the shapes the production clients throw: the Neon driver's NeonDbError
 * for a failed fetch, a non-400 proxy answer or a "going away" SQLSTATE;
 * @upstash/redis's UpstashError for an error answer that is not a Redis
 * reply about the command; an aborted fetch (our deadlines); a network error.
 */
export function unavailableDependency(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  if (err.name === "TimeoutError" || err.name === "AbortError") return "Postgres or Redis";
  if (err.name === "NeonDbError") {
    const e = err as Error & { code?: string; sourceError?: unknown };
    if (e.sourceError !== undefined || /^Server error \(HTTP status/.test(e.message)) {
      return "Postgres";
    }
    return e.code && PG_UNAVAILABLE.test(e.code) ? "Postgres" : undefined;
  }
  if (err.name === "UpstashJSONParseError") return "Redis";
  if (err.name === "UpstashError") {
    const reply = REDIS_REPLY.exec(err.message)?.[1];
    return reply === undefined || REDIS_BUSY.has(reply) ? "Redis" : undefined;
  }
  if (err instanceof TypeError && NETWORK.test(err.message)) return "Postgres or Redis";
  return undefined;
}
