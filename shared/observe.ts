/**
 * Per-request observability: the trace (W3C `traceparent`), a logger bound
 * to the request and trace ids, one JSON access-log line per request, and
 * the rule for what `Server-Timing` shows.
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "./app_env.ts";
import { createLogger, type Level } from "./log.ts";
import { traceFrom } from "./trace.ts";
import { bearerToken } from "./auth.ts";
import { verifierFor } from "./jwt.ts";

const LEVELS = new Set(["debug", "info", "warn", "error"]);
const levelOf = (c: Context<AppEnv>): Level =>
  LEVELS.has(c.env?.LOG_LEVEL as string) ? c.env.LOG_LEVEL as Level : "info";

/**
 * The route pattern that answered (`/search/products/:id`), never the path
 * itself, so ids and query strings (which may hold secrets) stay out of logs;
 * null when no route matched (404, 405, a preflight).
 */
function routePattern(c: Context<AppEnv>): string | null {
  const handler = matchedRoutes(c).findLast((r) => r.method !== "ALL");
  return handler?.path ?? null;
}

/**
 * Sets `trace` and `log` for the request, and after it writes one access-log
 * line at `info`: method, route pattern, status, duration, request id, trace
 * id and, when authenticated, the user id. Nothing from the body, headers or
 * query string is logged.
 */
export function observe(service: string): MiddlewareHandler<AppEnv> {
  return async function observe(c, next) {
    const start = performance.now();
    const trace = traceFrom(c.req.raw.headers);
    c.set("trace", trace);
    const level = levelOf(c);
    const log = createLogger(
      { service, request_id: c.get("requestId"), trace_id: trace.traceId },
      level,
    );
    c.set("log", log);
    await next();
    // The line's fields (the matched route above all) are only gathered when it is written.
    if (level === "warn" || level === "error") return;
    log.info("request", {
      method: c.req.method,
      route: routePattern(c),
      status: c.res.status,
      duration_ms: Math.round((performance.now() - start) * 10) / 10,
      ...(c.get("user") ? { user_id: c.get("user").id } : {}),
    });
  };
}

/** Whether the caller is an admin: as a route's requireUser() found, or by its Bearer token on a public route. */
async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  const user = c.get("user");
  if (user) return user.role === "admin";
  const token = bearerToken(c.req.header("Authorization"));
  if (!token) return false;
  try {
    // Offline and cached per isolate; any failure (no JWT config, bad token) means no details.
    return (await verifierFor(c.env).verify(token)).role === "admin";
  } catch {
    return false;
  }
}

/**
 * Inside Hono's `timing()`: `Server-Timing` always carries `total`; the
 * details (cache outcome, db and redis times) only with `LOG_LEVEL=debug` or
 * for an admin's request, since they tell a stranger what is cached.
 */
export function serverTimingDetails(): MiddlewareHandler<AppEnv> {
  return async function serverTimingDetails(c, next) {
    await next();
    const metric = c.get("metric" as never) as
      | { headers: string[]; timers: Map<string, unknown> }
      | undefined;
    if (!metric || (!metric.headers.length && metric.timers.size <= 1)) return;
    if (levelOf(c) === "debug" || await isAdmin(c)) return;
    metric.headers.length = 0;
    for (const name of metric.timers.keys()) if (name !== "total") metric.timers.delete(name);
  };
}
