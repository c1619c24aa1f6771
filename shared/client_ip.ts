import type { Context } from "hono";
import { remoteAddr } from "./entry.ts";

const isWorkers = () =>
  (globalThis.navigator as { userAgent?: string } | undefined)?.userAgent === "Cloudflare-Workers";

/**
 * The client's IP address for rate limiting and session records.
 * `X-Forwarded-For` (first entry) only when env `TRUST_PROXY=true`: behind
 * any other setup the header is the client's to forge. On Workers,
 * Cloudflare itself sets `CF-Connecting-IP`; elsewhere that header is just
 * as forgeable, so it is read on Workers only. On Deno, the socket address.
 */
export function clientIp(c: Context): string {
  const env = (c.env ?? {}) as Record<string, unknown>;
  if (env.TRUST_PROXY === "true" || env.TRUST_PROXY === true) {
    const first = c.req.header("X-Forwarded-For")?.split(",")[0]?.trim();
    if (first) return first;
  }
  if (isWorkers()) {
    const cf = c.req.header("CF-Connecting-IP");
    if (cf) return cf;
  }
  return remoteAddr(c.req.raw) ?? "unknown";
}
