import type { Context } from "hono";
import { remoteAddr } from "./entry.ts";

const isWorkers = () =>
  (globalThis.navigator as { userAgent?: string } | undefined)?.userAgent === "Cloudflare-Workers";

/**
 * The client's IP address for rate limiting and session records: the
 * platform's own view, never a header the client can choose.
 *
 * - Workers: `CF-Connecting-IP`, which Cloudflare sets and overwrites (read
 *   on Workers only: anywhere else the header is the client's to forge).
 * - Deno: the connection's remote address (`deno serve`'s handler info,
 *   kept by `shared/entry.ts`), or, with env `TRUST_PROXY=true` (behind a
 *   reverse proxy such as the dev gateway), the **right-most**
 *   `X-Forwarded-For` entry: the one that proxy appended. Every entry to its
 *   left came from the client and could be anything.
 */
export function clientIp(c: Context): string {
  if (isWorkers()) {
    const cf = c.req.header("CF-Connecting-IP");
    if (cf) return cf;
  }
  const env = (c.env ?? {}) as Record<string, unknown>;
  if (env.TRUST_PROXY === "true" || env.TRUST_PROXY === true) {
    const last = c.req.header("X-Forwarded-For")?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  return remoteAddr(c.req.raw) ?? "unknown";
}
