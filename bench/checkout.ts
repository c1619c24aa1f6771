/**
 * Checkout benchmark: orders placed per second (each one Redis cart read,
 * two Postgres batches, one test-provider charge, one Redis delete) at
 * concurrency 1 and 32 over HTTP, beside a bare Hono hello-world served the
 * same way in the same run, plus the time and round trips of a cart read.
 * Runs against its own database (edgeshop_bench_checkout, created and
 * dropped here) through the local Neon and Upstash bridges.
 *
 *   deno run -A bench/checkout.ts   # BENCH_ITERATIONS (400), BENCH_CONCURRENCY (1,32)
 */
// @ts-types="@types/pg"
import pg from "pg";
import { createCheckoutApp } from "../functions/checkout/app.ts";
import { seedInventory } from "../db/seed_inventory.ts";
import { TEST_PROVIDER_APP_NAME } from "../functions/checkout/payments/test_provider.ts";
import { authTestEnv, bearer, issueTestToken } from "../tests/auth_helpers.ts";
import { helloWorld, hit, measure, ratio, serve, type Stats, table } from "./lib.ts";
import { countRoundTrips } from "../tests/round_trips.ts";

export interface CheckoutBenchOptions {
  /** Owner URL of an empty, migrated database to fill. */
  ownerUrl: string;
  /** Env for the checkout app: DATABASE_URL (checkout role), bridges, REDIS_PREFIX. */
  env: Record<string, string>;
  products?: number;
  iterations?: number;
  concurrencies?: number[];
}

export interface CheckoutBench {
  rows: { concurrency: number; hello: Stats; orders: Stats; hello_vs_orders: number }[];
  cart_read: Stats & { postgres: number; redis: number };
}

const ADDRESS = {
  name: "Bench",
  line1: "1 Main St",
  city: "Springfield",
  postal_code: "12345",
  country: "US",
};

/** Seeds a catalog, then measures placing orders and reading a cart. */
export async function benchCheckout(opts: CheckoutBenchOptions): Promise<CheckoutBench> {
  const products = opts.products ?? 200;
  const iterations = opts.iterations ?? 400;
  const concurrencies = opts.concurrencies ?? [1, 32];
  const db = new pg.Client({ connectionString: opts.ownerUrl });
  await db.connect();
  await db.query(
    `INSERT INTO catalog.products (id, name, price_cents)
     SELECT 'bench-' || n, 'Bench product ' || n, 100 + n FROM generate_series(1, $1) AS n`,
    [products],
  );
  await seedInventory(db);
  // Plenty of stock: the bench measures the order path, not the 409 path.
  await db.query("UPDATE checkout.inventory SET on_hand = 1000000");
  await db.end();

  const env: Record<string, string> = { ...authTestEnv(), LOG_LEVEL: "error", ...opts.env };
  const app = createCheckoutApp();
  const server = serve((req) => app.fetch(req, env));
  const hello = helloWorld();
  const product = (n: number) => `bench-${1 + (n % products)}`;
  try {
    // One user per order so each has its own full cart; carts are filled untimed.
    let users = 0;
    const newUser = async () => {
      const n = users++;
      const auth = bearer(await issueTestToken({ sub: `bench-user-${n}`, role: "customer" }));
      for (const k of [n, n + 7]) {
        await hit(`${server.url}/checkout/cart/items/${product(k)}`, {
          method: "PUT",
          headers: { ...auth, "Content-Type": "application/json" },
          body: JSON.stringify({ quantity: 1 + (k % 3) }),
        });
      }
      return auth;
    };
    const rows: CheckoutBench["rows"] = [];
    for (const concurrency of concurrencies) {
      const warm = Math.min(iterations, concurrency * 2);
      const carts: Record<string, string>[] = [];
      for (let i = 0; i < iterations + warm; i += 32) {
        carts.push(
          ...await Promise.all(
            Array.from({ length: Math.min(32, iterations + warm - i) }, newUser),
          ),
        );
      }
      let next = 0;
      const orders = await measure(iterations, concurrency, () => {
        const auth = carts[next++];
        return hit(`${server.url}/checkout/orders`, {
          method: "POST",
          headers: {
            ...auth,
            "Content-Type": "application/json",
            "Idempotency-Key": crypto.randomUUID(),
          },
          body: JSON.stringify({ payment_method: "pm_card_visa", shipping_address: ADDRESS }),
        }, 201);
      });
      const helloStats = await measure(iterations, concurrency, () => hit(hello.url));
      rows.push({
        concurrency,
        hello: helloStats,
        orders,
        hello_vs_orders: ratio(helloStats.ops_per_s, orders.ops_per_s),
      });
    }

    // A cart read, and the round trips it makes (counted on this process's fetch).
    const reader = await newUser();
    const trips = countRoundTrips(env, (conn) => conn.includes(TEST_PROVIDER_APP_NAME));
    let reads = 0;
    let cartRead: Stats;
    try {
      cartRead = await measure(iterations, 1, async () => {
        reads++;
        await hit(`${server.url}/checkout/cart`, { headers: reader });
      });
    } finally {
      trips.stop();
    }
    return {
      rows,
      cart_read: { ...cartRead, postgres: trips.postgres / reads, redis: trips.redis / reads },
    };
  } finally {
    await server.close();
    await hello.close();
  }
}

/** The figures as markdown tables. */
export function checkoutTable(r: CheckoutBench): string {
  return [
    table(
      ["HTTP", "concurrency", "req/s", "p50 ms", "p99 ms", "hello ÷ this"],
      r.rows.flatMap((row) => [
        [
          "hello world (baseline)",
          row.concurrency,
          row.hello.ops_per_s,
          row.hello.p50_ms,
          row.hello.p99_ms,
          1,
        ],
        [
          "POST /checkout/orders (2 lines, paid)",
          row.concurrency,
          row.orders.ops_per_s,
          row.orders.p50_ms,
          row.orders.p99_ms,
          row.hello_vs_orders,
        ],
      ]),
    ),
    "",
    table([
      "cart read (GET /checkout/cart, 2 lines)",
      "req/s",
      "p50 ms",
      "p99 ms",
      "Postgres trips",
      "Redis trips",
    ], [
      [
        "concurrency 1",
        r.cart_read.ops_per_s,
        r.cart_read.p50_ms,
        r.cart_read.p99_ms,
        r.cart_read.postgres,
        r.cart_read.redis,
      ],
    ]),
  ].join("\n");
}

if (import.meta.main) {
  const { withBenchWorld } = await import("./setup.ts");
  const result = await withBenchWorld("checkout", (w) =>
    benchCheckout({
      ownerUrl: w.ownerUrl,
      env: w.env("checkout"),
      iterations: Number(Deno.env.get("BENCH_ITERATIONS") ?? 400),
      concurrencies: (Deno.env.get("BENCH_CONCURRENCY") ?? "1,32").split(",").map(Number),
    }));
  console.log(checkoutTable(result));
}
