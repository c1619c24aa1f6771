import { sqlClient } from "../../shared/db.ts";
import { redisClient } from "../../shared/redis.ts";
import { createLogger } from "../../shared/log.ts";
import { bumpCatalogVersion } from "../../shared/catalog_version.ts";
import { denoCron, type DenoCronHost } from "../../shared/entry.ts";
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

/**
 * The sweep on Deno Deploy, every 5 minutes, registered by `main.ts` when it
 * loads (see `denoCron`: nothing happens where the runtime has no cron).
 */
export const registerDenoCron = (host?: DenoCronHost): boolean =>
  denoCron("checkout sweep", "*/5 * * * *", runSweep, host);
