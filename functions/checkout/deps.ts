import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { sqlClient } from "../../shared/db.ts";
import { deadlines } from "../../shared/deadline.ts";
import { redisClient } from "../../shared/redis.ts";
import { type CheckoutEnv, checkoutEnv } from "./env.ts";
import type { PaymentProvider } from "./payments/provider.ts";
import { StripePaymentProvider } from "./payments/stripe_provider.ts";
import { TestPaymentProvider } from "./payments/test_provider.ts";

/** How the app gets its payment provider; injectable so tests and game days can wrap it. */
export type ProviderFactory = (env: CheckoutEnv) => PaymentProvider;

/** The provider `PAYMENT_PROVIDER` names. */
export const defaultProvider: ProviderFactory = (env) => {
  switch (env.PAYMENT_PROVIDER) {
    case "test":
      return new TestPaymentProvider(env);
    case "stripe":
      return new StripePaymentProvider(env);
  }
};

/**
 * Postgres and Redis clients under fresh deadlines (DB_TIMEOUT_MS and
 * REDIS_TIMEOUT_MS from now, for all their calls together).
 */
export function clients(env: CheckoutEnv) {
  const d = deadlines(env);
  return {
    deadlines: d,
    sql: sqlClient(env, d.postgres),
    // Hot paths fail fast instead of the client's ~12 s retry loop.
    redis: redisClient(env, { retries: 1, signal: d.redis }),
  };
}

/** This request's env and clients, created per request (never at module scope). */
export function deps(c: Context<AppEnv>) {
  // One set per request (the session check and the handler share it), so
  // the request's deadlines count from its first dependency call, once.
  let d = perRequest.get(c.req.raw);
  if (!d) {
    const env = checkoutEnv(c.env);
    d = { env, ...clients(env) };
    perRequest.set(c.req.raw, d);
  }
  return d;
}

const perRequest = new WeakMap<Request, { env: CheckoutEnv } & ReturnType<typeof clients>>();

export type Deps = ReturnType<typeof deps>;
