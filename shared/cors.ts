/**
 * CORS for every service (docs/api.md, "CORS"), with Hono's own middleware.
 *
 * `CORS_ALLOWED_ORIGINS` is a comma-separated list of origins
 * (`https://shop.example,http://localhost:8000`) or `*`. Unset or empty: no
 * cross-origin access. The API authenticates with a Bearer header, never
 * cookies, so it never sends `Access-Control-Allow-Credentials`; that is what
 * makes `*` safe to allow: a browser sends no ambient credentials with it.
 */
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/** Response headers a browser script may read. */
export const CORS_EXPOSED_HEADERS = [
  "X-Request-Id",
  "Retry-After",
  "Idempotent-Replayed",
  "RateLimit-Policy",
  "RateLimit",
  "Location",
];

/** Request headers a browser script may send (beyond the CORS-safelisted ones). */
export const CORS_ALLOWED_HEADERS = [
  "Authorization",
  "Content-Type",
  "Idempotency-Key",
  "X-Request-Id",
  "traceparent",
  "tracestate",
];

/** How long a browser may cache a preflight (Chromium caps it at 2 h, so more buys nothing). */
export const CORS_MAX_AGE_SECONDS = 7200;

/** The origins a configuration value allows: `"*"`, or a list of exact origins. */
export function parseAllowedOrigins(value: unknown): "*" | string[] {
  if (typeof value !== "string") return [];
  const entries = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (entries.includes("*")) return "*";
  // An origin is scheme://host[:port] with no path; normalise the way browsers send it.
  return entries.flatMap((e) => {
    try {
      const url = new URL(e);
      return url.origin === "null" ? [] : [url.origin];
    } catch {
      return [];
    }
  });
}

const parsed = new Map<string, "*" | string[]>();

/** The `Access-Control-Allow-Origin` value for a request's Origin, or null for none. */
export function allowOrigin(origin: string, c: Context): string | null {
  const value = typeof c.env?.CORS_ALLOWED_ORIGINS === "string" ? c.env.CORS_ALLOWED_ORIGINS : "";
  let allowed = parsed.get(value);
  if (!allowed) parsed.set(value, allowed = parseAllowedOrigins(value));
  if (allowed === "*") return "*";
  return origin && allowed.includes(origin) ? origin : null;
}

/**
 * The CORS middleware: answers preflights (204) and marks responses for
 * allowed origins. Preflights are Hono's `cors()`. Every other request gets
 * the same headers that `cors()` would set (Allow-Origin when allowed,
 * Expose-Headers, `Vary: Origin`), but through `c.header()` before the
 * handler and `c.res.headers` after it: `cors()` writes to `c.res` before the
 * handler runs, which makes Hono build a placeholder Response and then copy
 * its headers into the real one, a third of what every request cost in
 * middleware (bench/search_hit.ts).
 */
export function corsMiddleware(): MiddlewareHandler {
  const preflight = cors({
    origin: allowOrigin,
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: CORS_ALLOWED_HEADERS,
    exposeHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
    credentials: false,
  });
  const exposed = CORS_EXPOSED_HEADERS.join(",");
  return async function corsHeaders(c, next) {
    if (c.req.method === "OPTIONS") return await preflight(c, next);
    const origin = allowOrigin(c.req.header("origin") || "", c);
    if (origin) c.header("Access-Control-Allow-Origin", origin);
    c.header("Access-Control-Expose-Headers", exposed);
    await next();
    // After next(), straight into the response's headers, as timing() and
    // secureHeaders() write theirs: c.header() on a finished response makes
    // Hono rebuild the whole Response (its body stream and headers) first.
    const headers = c.res.headers;
    // Prepared headers reach responses made with c.body()/c.json(); a Response built by hand gets them here.
    if (!headers.has("Access-Control-Expose-Headers")) {
      if (origin) headers.set("Access-Control-Allow-Origin", origin);
      headers.set("Access-Control-Expose-Headers", exposed);
    }
    headers.append("Vary", "Origin");
  };
}
