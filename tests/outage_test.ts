/**
 * Issue 9: fault injection under traffic, against throwaway PostgreSQL and
 * Redis that this test starts, kills and restarts (never the shared ones).
 * The whole dev stack runs as it does under `deno task dev`: three `deno
 * serve` processes behind the gateway, both bridges. Traffic runs on every
 * kind of route while Redis is killed (SIGKILL) and restarted, then while
 * Postgres is stopped with `pg_ctl stop -m immediate` and restarted. The
 * figures (time to 503, time to recover) are printed for the README.
 */
import assert from "node:assert/strict";
// @ts-types="@types/pg"
import pg from "pg";
import { ON_HAND, type OutageStack, outageStack, PASSWORD, PRODUCT } from "./outage_stack.ts";
import type { Throwaway } from "../dev/throwaway.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
/** The requirement is 503 within 2 s; the margin covers a loaded CI machine's client side. */
const WITHIN_MS = 2000 + 500;
const ADDRESS = {
  name: "Ada",
  line1: "1 Main St",
  city: "London",
  postal_code: "N1",
  country: "GB",
};
const ORDER_BODY = { payment_method: "pm_card_visa", shipping_address: ADDRESS };

interface Sample {
  route: string;
  start: number;
  end: number;
  status: number;
}
interface OrderTry {
  key: string;
  status: number;
}

/** Loops of requests, one per route, until stopped; records every answer. */
function traffic(s: OutageStack, users: Record<"cart" | "order" | "login", Customer>) {
  const samples: Sample[] = [];
  const orders: OrderTry[] = [];
  let running = true;
  const call = async (route: string, path: string, init: RequestInit = {}) => {
    const start = now();
    let status = 0; // no answer within 10 s: a hang
    try {
      const res = await fetch(`${s.base}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
      await res.body?.cancel();
      status = res.status;
    } catch { /* recorded as 0 */ }
    samples.push({ route, start, end: now(), status });
    return status;
  };
  const json = (method: string, token: string | null, body: unknown, extra = {}) => ({
    method,
    headers: {
      "Content-Type": "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...extra,
    },
    body: JSON.stringify(body),
  });
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
  let n = 0;
  const routes: Record<string, () => Promise<unknown>> = {
    "GET /checkout/cart": () =>
      call("GET /checkout/cart", "/checkout/cart", bearer(users.cart.token)),
    "PUT /checkout/cart/items": () =>
      call(
        "PUT /checkout/cart/items",
        `/checkout/cart/items/${PRODUCT}`,
        json("PUT", users.cart.token, { quantity: 1 + (n++ % 3) }),
      ),
    "POST /checkout/orders": async () => {
      await call(
        "PUT /checkout/cart/items",
        `/checkout/cart/items/${PRODUCT}`,
        json("PUT", users.order.token, { quantity: 1 }),
      );
      const key = `outage-${crypto.randomUUID()}`;
      const status = await call(
        "POST /checkout/orders",
        "/checkout/orders",
        json("POST", users.order.token, ORDER_BODY, { "Idempotency-Key": key }),
      );
      orders.push({ key, status });
    },
    // A price floor no other request used: the search cache cannot answer it.
    "GET /search/products": () =>
      call(
        "GET /search/products",
        `/search/products?q=headphones&min_price=${
          Math.floor(Math.random() * 1e6)
        }&max_price=1000000000`,
      ),
    "GET /search/products/:id": () =>
      call("GET /search/products/:id", `/search/products/${PRODUCT}`),
    "POST /auth/login": () =>
      call(
        "POST /auth/login",
        "/auth/login",
        json("POST", null, { email: users.login.email, password: PASSWORD }),
      ),
    "GET /<service>/health": () =>
      Promise.all(
        ["auth", "search", "checkout"].map((svc) =>
          call("GET /<service>/health", `/${svc}/health`)
        ),
      ),
    "GET /checkout/ready": () => call("GET /checkout/ready", "/checkout/ready"),
  };
  const loops = Object.values(routes).map(async (send) => {
    while (running) {
      await send();
      await sleep(40);
    }
  });
  return {
    samples,
    orders,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

type Customer = Awaited<ReturnType<OutageStack["customer"]>>;
const ok = (route: string, status: number) =>
  route === "POST /checkout/orders" ? status === 201 : status >= 200 && status < 300;

/**
 * Kills `server` after 1 s of traffic, restarts it `outageMs` later, runs 3 s
 * more; checks what each route answered during the outage (`down`: the
 * routes that must answer 503; all others must keep answering 2xx) and
 * how soon after the restart errors stopped.
 */
async function scenario(
  s: OutageStack,
  users: Record<"cart" | "order" | "login", Customer>,
  name: string,
  server: Pick<Throwaway, "kill" | "restart">,
  down: string[],
  outageMs = 2500,
) {
  const t = traffic(s, users);
  await sleep(1000);
  const tKill = now();
  await server.kill();
  const tDown = now();
  await sleep(outageMs);
  const tRestart = now();
  await server.restart();
  const tUp = now();
  await sleep(3000);
  await t.stop();

  const before = t.samples.filter((x) => x.end < tKill);
  const bad = before.filter((x) => !ok(x.route, x.status));
  assert.deepEqual(bad, [], `${name}: errors before the outage`);

  console.log(
    `\n${name}: killed in ${Math.round(tDown - tKill)} ms, back after ${
      Math.round(tUp - tKill)
    } ms`,
  );
  const during = t.samples.filter((x) => x.start >= tDown && x.end <= tRestart);
  for (const route of new Set(t.samples.map((x) => x.route))) {
    const mine = during.filter((x) => x.route === route);
    const statuses = [...new Set(mine.map((x) => x.status))].sort().join(",");
    const slowest = Math.round(Math.max(...mine.map((x) => x.end - x.start)));
    const first = mine.length ? Math.round(mine[0].end - tKill) : NaN;
    console.log(
      `  ${route.padEnd(26)} ${String(mine.length).padStart(3)} requests during the outage: ` +
        `${statuses}; slowest ${slowest} ms; first answer ${first} ms after the kill`,
    );
    assert.ok(mine.length > 0, `${name}: no ${route} request during the outage`);
    if (down.includes(route)) {
      assert.ok(mine.every((x) => x.status === 503), `${name}: ${route} answered ${statuses}`);
      assert.ok(slowest < WITHIN_MS, `${name}: ${route} took ${slowest} ms`);
    } else {
      assert.ok(mine.every((x) => ok(route, x.status)), `${name}: ${route} answered ${statuses}`);
    }
  }

  const after = t.samples.filter((x) => x.start >= tUp);
  const lastError = after.filter((x) => !ok(x.route, x.status)).at(-1);
  const recoveryMs = lastError ? Math.round(lastError.end - tUp) : 0;
  const errorsAfter = after.filter((x) => !ok(x.route, x.status)).length;
  console.log(
    `  recovered: last error ${recoveryMs} ms after the server was back (${errorsAfter} errors)`,
  );
  assert.ok(recoveryMs < 5000, `${name}: errors until ${recoveryMs} ms after the restart`);
  assert.ok(after.some((x) => x.start > tUp + recoveryMs), `${name}: no traffic after recovery`);
  return t.orders;
}

/**
 * After an outage: no order charged after its request failed, every failed
 * order finished by a retry with its key, replays identical, one charge per
 * paid order, and stock exactly what the paid orders took.
 */
async function invariants(s: OutageStack, users: { order: Customer }, orders: OrderTry[]) {
  const db = new pg.Client({ connectionString: s.dbUrl });
  await db.connect();
  try {
    const failed = orders.filter((o) => o.status !== 201).map((o) => o.key);
    const chargesOf = async () =>
      (await db.query(
        `SELECT count(c.*)::int AS n FROM checkout.idempotency_keys k
         JOIN checkout.test_provider_charges c ON c.order_id = k.order_id::text
         WHERE k.user_id = $1 AND k.idempotency_key = ANY($2)`,
        [users.order.id, failed],
      )).rows[0].n as number;
    const early = await chargesOf();
    await sleep(1200); // the failed requests' leases (1 s) run out
    assert.equal(await chargesOf(), early, "a failed request charged later");

    const answers = new Map<string, { status: number; body: string }>();
    const post = async (key: string) => {
      const res = await fetch(`${s.base}/checkout/orders`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: `Bearer ${users.order.token}`,
          "Idempotency-Key": key,
        },
        body: JSON.stringify(ORDER_BODY),
      });
      return { status: res.status, body: await res.text() };
    };
    for (const key of failed) {
      const retry = await post(key);
      assert.ok(
        [201, 422].includes(retry.status),
        `retry of ${key}: ${retry.status} ${retry.body}`,
      );
      answers.set(key, retry);
    }
    for (const o of orders) {
      const replay = await post(o.key);
      const first = answers.get(o.key);
      if (first) assert.deepEqual(replay, first, `replay of ${o.key}`);
      else assert.equal(replay.status, 201, `replay of ${o.key}`);
    }
    console.log(
      `  orders: ${orders.length - failed.length} paid during traffic, ${failed.length} failed; ` +
        `retried with the same key: ${
          [...answers.values()].filter((a) => a.status === 201).length
        } ` +
        `paid, ${[...answers.values()].filter((a) => a.status === 422).length} cart_empty`,
    );

    const { rows: byOrder } = await db.query(
      `SELECT o.status, count(c.*) FILTER (WHERE c.status = 'succeeded')::int AS charges
       FROM checkout.orders o LEFT JOIN checkout.test_provider_charges c ON c.order_id = o.id::text
       GROUP BY o.id, o.status`,
    );
    for (const o of byOrder) {
      assert.equal(
        o.charges,
        o.status === "paid" ? 1 : 0,
        `an order ${o.status} with ${o.charges} charges`,
      );
    }
    const { rows: [stock] } = await db.query(
      `SELECT i.on_hand, i.reserved,
         (SELECT COALESCE(sum(oi.quantity), 0)::int FROM checkout.order_items oi
          JOIN checkout.orders o ON o.id = oi.order_id
          WHERE o.status = 'paid' AND oi.product_id = $1) AS sold
       FROM checkout.inventory i WHERE i.product_id = $1`,
      [PRODUCT],
    );
    assert.deepEqual(stock, { on_hand: ON_HAND - stock.sold, reserved: 0, sold: stock.sold });
  } finally {
    await db.end();
  }
}

/**
 * Postgres that accepts connections but does not answer in time: the tables
 * every route reads are locked ACCESS EXCLUSIVE, so queries wait until the
 * request's deadline (the defaults: DB_TIMEOUT_MS 1.5 s) instead of failing
 * fast. "restart" releases the locks; the abandoned queries then run.
 */
function hungPostgres(dbUrl: string): Pick<Throwaway, "kill" | "restart"> {
  let locker: pg.Client | undefined;
  return {
    async kill() {
      locker = new pg.Client({ connectionString: dbUrl });
      locker.on("error", () => {});
      await locker.connect();
      // In the order checkout's own transactions take them; a deadlock with
      // one of them (it can still happen) just means trying again.
      for (let attempt = 0;; attempt++) {
        await locker.query("BEGIN");
        try {
          await locker.query(
            "LOCK TABLE checkout.inventory, catalog.products, auth.users IN ACCESS EXCLUSIVE MODE",
          );
          return;
        } catch (err) {
          await locker.query("ROLLBACK");
          if ((err as { code?: string }).code !== "40P01" || attempt > 5) throw err;
        }
      }
    },
    async restart() {
      await locker?.query("COMMIT");
      await locker?.end();
    },
  };
}

const DB_ROUTES = [
  "GET /checkout/cart",
  "PUT /checkout/cart/items",
  "POST /checkout/orders",
  "GET /search/products",
  "GET /search/products/:id",
  "POST /auth/login",
];

Deno.test("outages: Redis killed and Postgres stopped under traffic, then restarted", async (t) => {
  const s = await outageStack();
  try {
    const users = {
      cart: await s.customer("cart"),
      order: await s.customer("order"),
      login: await s.customer("login"),
    };
    await t.step(
      "Redis killed: cart and orders 503 within 2 s; search, product pages, login 2xx; recovery within 5 s",
      async () => {
        const orders = await scenario(s, users, "Redis killed", s.redis, [
          "GET /checkout/cart",
          "PUT /checkout/cart/items",
          "POST /checkout/orders",
          "GET /checkout/ready",
        ]);
        await invariants(s, users, orders);
      },
    );
    await t.step(
      "Postgres stopped (pg_ctl -m immediate): every DB route 503 within 2 s, the stack stays up, recovery within 5 s",
      async () => {
        const orders = await scenario(s, users, "Postgres stopped", s.postgres, [
          ...DB_ROUTES,
          "GET /checkout/ready",
        ]);
        await invariants(s, users, orders);
      },
    );
    await t.step(
      "Postgres hung (tables locked): every DB route 503 within 2 s with the default deadlines; queries that commit later charge nothing",
      async () => {
        const orders = await scenario(
          s,
          users,
          "Postgres hung",
          hungPostgres(s.dbUrl),
          DB_ROUTES,
          6000,
        );
        await invariants(s, users, orders);
      },
    );
  } finally {
    await s.stop();
  }
});
