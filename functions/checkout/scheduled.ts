import { sqlClient } from "../../shared/db.ts";
import { redisClient } from "../../shared/redis.ts";
import { createLogger } from "../../shared/log.ts";
import { bumpCatalogVersion } from "../../shared/catalog_version.ts";
import { checkoutEnv } from "./env.ts";
import { defaultProvider } from "./deps.ts";
import { SWEEP_DB_TIMEOUT_MS, sweepAbandoned, type SweepResult } from "./orders/sweep.ts";

/**
 * The sweep as a Workers cron job (`[env.checkout.triggers]` in
 * wrangler.toml): resolves orders whose request was abandoned, so no stock
 * stays reserved without an order that will finish.
 */
export async function runSweep(bindings: Record<string, unknown>): Promise<SweepResult> {
  const env = checkoutEnv(bindings);
  const result = await sweepAbandoned(
    sqlClient(env, AbortSignal.timeout(SWEEP_DB_TIMEOUT_MS)),
    defaultProvider(env),
    env,
  );
  if (result.flipped) await bumpCatalogVersion(redisClient(env), env.REDIS_PREFIX);
  createLogger({ service: "checkout" }, env.LOG_LEVEL).info("Sweep finished", { ...result });
  return result;
}

/** Workers' `scheduled` handler: the sweep, kept alive by `waitUntil`. */
export function scheduled(
  _controller: unknown,
  env: Record<string, unknown>,
  ctx: { waitUntil(work: Promise<unknown>): void },
): void {
  ctx.waitUntil(runSweep(env));
}

/** The part of Deno's namespace the Deno Deploy cron needs. */
export interface DenoCronHost {
  cron?: (name: string, schedule: string, handler: () => Promise<void>) => unknown;
  env: { toObject(): Record<string, string> };
}

/**
 * On Deno Deploy, runs the sweep every 5 minutes with `Deno.cron`, registered
 * from the same entry that serves requests (Deploy finds crons registered
 * when the module loads). Where `Deno.cron` does not exist (Workers, or
 * `deno serve` without `--unstable-cron`) this does nothing. Registering is
 * not I/O, and the env is read only when the job runs.
 */
export function registerDenoCron(
  deno = (globalThis as { Deno?: DenoCronHost }).Deno,
): boolean {
  if (typeof deno?.cron !== "function") return false;
  deno.cron("checkout sweep", "*/5 * * * *", async () => {
    await runSweep(deno.env.toObject());
  });
  return true;
}
