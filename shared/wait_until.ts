import type { Context } from "hono";
import type { Logger } from "./log.ts";

/**
 * Runs `work` after the response without delaying it. On Workers it goes to
 * `ctx.waitUntil` so the isolate lives until it ends; on Deno (long-lived
 * process, no execution context) the promise simply runs on. Failures are
 * logged, never thrown into the request.
 */
export function waitUntil(c: Context, work: Promise<unknown>): void {
  const guarded = work.catch((err) => {
    const log: Logger | undefined = c.get("log");
    log?.error("Background work failed", { err });
  });
  let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  ctx?.waitUntil(guarded);
}
