/**
 * What every checkout test shares: the app with the test env, a superuser
 * connection playing the catalog admin (products are search's; the service
 * may only read them), tokens, a request helper that also waits for the
 * background work each request started, and cleanup of everything a test
 * made (by its random id prefix).
 */
// @ts-types="@types/pg"
import pg from "pg";
import { serviceEnv, testDatabaseUrl, testExecutionContext } from "../../tests/config.ts";
import { authTestEnv, bearer, issueTestToken } from "../../tests/auth_helpers.ts";
import { startStripeMock, type StripeMock } from "../../dev/stripe_mock.ts";
import type { Role } from "../../shared/jwt.ts";
import { encodeHex } from "../../shared/encoding.ts";
import { createCheckoutApp } from "./app.ts";
import type { ProviderFactory } from "./deps.ts";

/** The payment providers the provider-independent tests run against. */
export const PROVIDERS = ["test", "stripe"] as const;
export type ProviderName = typeof PROVIDERS[number];

export interface Fixture {
  env: Record<string, string>;
  /** Random id prefix of this test's products and users. */
  prefix: string;
  db: pg.Client;
  call(method: string, path: string, opts?: CallOptions): Promise<Reply>;
  token(sub: string, role?: Role): Promise<string>;
  /** Creates catalog products (with inventory when `on_hand` is given); returns their ids. */
  products(list: { id: string; price_cents?: number; on_hand?: number }[]): Promise<string[]>;
  stock(productId: string): Promise<{ on_hand: number; reserved: number }>;
  /** The local Stripe server, when the fixture runs with `payments: "stripe"`. */
  stripe?: StripeMock;
  /** How many charges the provider made for these orders (declined ones too). */
  charges(orderIds: string[]): Promise<number>;
  /** Waits for the waitUntil work requests started so far. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
  text: string;
  headers: Headers;
}

export const ADDRESS = {
  name: "Ada Lovelace",
  line1: "12 St James's Square",
  city: "London",
  postal_code: "SW1Y 4JH",
  country: "GB",
};

export interface FixtureOptions {
  /** Wraps or replaces the provider (fault tests); default: the one the env names. */
  provider?: ProviderFactory;
  /** Which provider the env names; `stripe` starts a local Stripe-compatible server. */
  payments?: ProviderName;
  env?: Record<string, string>;
}

export async function fixture(opts: FixtureOptions = {}): Promise<Fixture> {
  const stripe = opts.payments === "stripe" ? startStripeMock() : undefined;
  const payments: Record<string, string> = stripe
    ? {
      PAYMENT_PROVIDER: "stripe",
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: `whsec_${crypto.randomUUID().replaceAll("-", "")}`,
      STRIPE_API_BASE: stripe.url,
    }
    : { PAYMENT_PROVIDER: "test" };
  const env = serviceEnv("checkout", { ...authTestEnv(), ...payments, ...opts.env });
  const app = createCheckoutApp({ provider: opts.provider });
  const prefix = `t${crypto.randomUUID().slice(0, 8)}-`;
  const db = new pg.Client({ connectionString: testDatabaseUrl() });
  await db.connect();
  const { ctx, settle } = testExecutionContext();

  return {
    env,
    prefix,
    db,
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) Object.assign(headers, bearer(o.token));
      if (o.body !== undefined) headers["Content-Type"] = "application/json";
      const res = await app.request(
        path,
        {
          method,
          headers,
          body: o.body === undefined ? undefined : JSON.stringify(o.body),
        },
        env,
        ctx as never,
      );
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      return { status: res.status, body, text, headers: res.headers };
    },
    token: (sub, role = "customer") => issueTestToken({ sub: `${prefix}${sub}`, role }),
    async products(list) {
      for (const p of list) {
        await db.query(
          "INSERT INTO catalog.products (id, name, price_cents) VALUES ($1, $2, $3)",
          [prefix + p.id, `Product ${p.id}`, p.price_cents ?? 1000],
        );
        if (p.on_hand !== undefined) {
          await db.query("INSERT INTO checkout.inventory (product_id, on_hand) VALUES ($1, $2)", [
            prefix + p.id,
            p.on_hand,
          ]);
        }
      }
      return list.map((p) => prefix + p.id);
    },
    async stock(productId) {
      const { rows } = await db.query(
        "SELECT on_hand, reserved FROM checkout.inventory WHERE product_id = $1",
        [productId],
      );
      return rows[0];
    },
    stripe,
    async charges(orderIds) {
      if (stripe) {
        return stripe.intents.filter((pi) => orderIds.includes(pi.metadata.order_id)).length;
      }
      const { rows } = await db.query(
        "SELECT count(*)::int AS n FROM checkout.test_provider_charges WHERE order_id = ANY($1)",
        [orderIds],
      );
      return rows[0].n;
    },
    settle,
    async close() {
      await settle();
      await stripe?.close();
      const like = `${prefix}%`;
      await db.query(
        `DELETE FROM checkout.test_provider_charges WHERE order_id IN
           (SELECT id::text FROM checkout.orders WHERE user_id LIKE $1)`,
        [like],
      );
      await db.query("DELETE FROM checkout.idempotency_keys WHERE user_id LIKE $1", [like]);
      await db.query("DELETE FROM checkout.orders WHERE user_id LIKE $1", [like]);
      await db.query("DELETE FROM checkout.inventory WHERE product_id LIKE $1", [like]);
      await db.query("DELETE FROM catalog.products WHERE id LIKE $1", [like]);
      await db.end();
    },
  };
}

/** Request headers carrying an Idempotency-Key. */
export const withKey = (key: string) => ({ "Idempotency-Key": key });

/** Runs `fn` with a fixture and always cleans up. */
export async function withFixture(
  fn: (f: Fixture) => Promise<void>,
  opts?: Parameters<typeof fixture>[0],
): Promise<void> {
  const f = await fixture(opts);
  try {
    await fn(f);
  } finally {
    await f.close();
  }
}

/** HMAC-SHA256 of `text` under `secret`, as lowercase hex (Web Crypto, independent of the SDK). */
export async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return encodeHex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
}

/** A `Stripe-Signature` header for `body`, computed as Stripe does: `t=…,v1=HMAC(secret, t.body)`. */
export async function signStripe(secret: string, body: string, t = Math.floor(Date.now() / 1000)) {
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}

/** The header Stripe would send with `event` to this fixture's webhook endpoint. */
export const stripeSignature = (f: Fixture, event: unknown) =>
  signStripe(f.env.STRIPE_WEBHOOK_SECRET, JSON.stringify(event));
