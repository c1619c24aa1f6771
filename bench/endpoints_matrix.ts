/**
 * The endpoints of the matrix in bench/endpoints.ts, and the accounts,
 * tokens and carts they need. Single-use inputs (refresh tokens, filled
 * carts) are made untimed in `prepare`, one per call about to be measured.
 */
import type { createAuthApp } from "../functions/auth/app.ts";
import { bearer, issueTestToken } from "../tests/auth_helpers.ts";

export type Service = "auth" | "search" | "checkout";
export type Call = { path: string; init?: RequestInit; expect?: number };
export interface Endpoint {
  name: string;
  service: Service;
  /** Untimed, before each measurement: makes `n` single-use inputs, or warms a cache. */
  prepare?: (n: number) => Promise<void>;
  /** The k-th call of this endpoint over the whole bench (k never repeats). */
  call: (k: number) => Call;
  /** The search cache outcome this row claims, checked on every request of the count pass. */
  cache?: "hit" | "miss";
}

const WORDS = ["headphones", "samsung", "laptop", "espresso", "drone", "keyboard", "monitor"];
const PREFIXES = ["hea", "sams", "lapt", "esp", "dro", "key", "mon", "wirel"];
const ADDRESS = { name: "Bench", line1: "1 Main St", city: "X", postal_code: "1", country: "US" };
const PASSWORD = "bench password";

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const putItem = (auth: Record<string, string>, productId: string, quantity: number): Call => ({
  path: `/checkout/cart/items/${productId}`,
  init: { ...post({ quantity }, auth), method: "PUT" },
});
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one call and drains the body; answers the headers. */
export async function send(base: string, c: Call): Promise<Headers> {
  const res = await fetch(base + c.path, c.init);
  const body = await res.arrayBuffer();
  if (res.status !== (c.expect ?? 200)) {
    const text = new TextDecoder().decode(body).slice(0, 300);
    throw new Error(`${c.init?.method ?? "GET"} ${c.path} answered ${res.status}: ${text}`);
  }
  return res.headers;
}

/** `n` results of `make`, 16 at a time. */
async function batched<T>(n: number, make: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    out.push(...await Promise.all(Array.from({ length: Math.min(16, n - out.length) }, make)));
  }
  return out;
}

/** The endpoints, with the accounts, tokens and carts they need. */
export async function matrix(
  url: Record<Service, string>,
  env: Record<Service, Record<string, string>>,
  authApp: ReturnType<typeof createAuthApp>,
  products: number,
): Promise<Endpoint[]> {
  const signup = async (email: string, e: Record<string, string>) => {
    const res = await authApp.request("/auth/signup", post({ email, password: PASSWORD }), e);
    if (res.status !== 201) throw new Error(`Cannot sign up: ${res.status} ${await res.text()}`);
    return (await res.json()) as { access_token: string; refresh_token: string };
  };
  const me = await signup("bench@example.com", env.auth);
  // Refresh tokens come from logins to an account hashed with few PBKDF2
  // iterations: making the pool is untimed, and this keeps it quick.
  const cheap = { ...env.auth, PASSWORD_PBKDF2_ITERATIONS: "1000" };
  await signup("pool@example.com", cheap);
  const refreshTokens: string[] = [];

  const product = (n: number) => `gen-${String(n % products).padStart(7, "0")}`;
  let users = 0;
  const newUser = async (lines: number) => {
    const auth = bearer(await issueTestToken({ sub: `bench-user-${users++}`, role: "customer" }));
    for (let l = 0; l < lines; l++) {
      await send(url.checkout, putItem(auth, product(users * 31 + l * 7), 1 + l));
    }
    return auth;
  };
  const reader = await newUser(2);
  const writers = await batched(32, () => newUser(0));
  const carts: Record<string, string>[] = [];
  // Cached rows: ask once, then give the background cache write time to land.
  const warmCache = (paths: string[]) => async () => {
    for (const path of paths) await send(url.search, { path });
    await sleep(100);
  };
  const suggest = (k: number) => `/search/suggest?q=${PREFIXES[k % PREFIXES.length]}`;
  return [
    {
      name: "GET /auth/me",
      service: "auth",
      call: () => ({ path: "/auth/me", init: { headers: bearer(me.access_token) } }),
    },
    {
      name: "POST /auth/login",
      service: "auth",
      call: () => ({
        path: "/auth/login",
        init: post({ email: "bench@example.com", password: PASSWORD }),
      }),
    },
    {
      name: "POST /auth/token/refresh",
      service: "auth",
      prepare: async (n) => {
        refreshTokens.push(
          ...await batched(n, async () => {
            const res = await authApp.request(
              "/auth/login",
              post({ email: "pool@example.com", password: PASSWORD }),
              cheap,
            );
            if (res.status !== 200) throw new Error(`Cannot log in: ${res.status}`);
            return ((await res.json()) as { refresh_token: string }).refresh_token;
          }),
        );
      },
      call: () => ({
        path: "/auth/token/refresh",
        init: post({ refresh_token: refreshTokens.shift() }),
      }),
    },
    {
      name: "GET /search/products?q= (cached)",
      service: "search",
      cache: "hit",
      prepare: warmCache(["/search/products?q=wireless%20headphones"]),
      call: () => ({ path: "/search/products?q=wireless%20headphones" }),
    },
    {
      // A max_price above every price filters nothing but makes each cache key new.
      name: "GET /search/products?q= (uncached)",
      service: "search",
      cache: "miss",
      call: (k) => ({ path: `/search/products?q=${WORDS[k % WORDS.length]}&max_price=${1e9 + k}` }),
    },
    {
      name: "GET /search/suggest?q= (cached)",
      service: "search",
      cache: "hit",
      prepare: warmCache(PREFIXES.map((_, k) => suggest(k))),
      call: (k) => ({ path: suggest(k) }),
    },
    {
      name: "GET /search/products/:id",
      service: "search",
      call: (k) => ({ path: `/search/products/${product(k * 7919)}` }),
    },
    {
      name: "GET /checkout/cart",
      service: "checkout",
      call: () => ({ path: "/checkout/cart", init: { headers: reader } }),
    },
    {
      name: "PUT /checkout/cart/items/:id",
      service: "checkout",
      call: (k) => putItem(writers[k % writers.length], product(k % 8), 1 + (k % 3)),
    },
    {
      // One user per order, each with its own 2-line cart, filled untimed.
      name: "POST /checkout/orders",
      service: "checkout",
      prepare: async (n) => void carts.push(...await batched(n, () => newUser(2))),
      call: () => ({
        path: "/checkout/orders",
        init: post({ payment_method: "pm_card_visa", shipping_address: ADDRESS }, {
          ...carts.shift(),
          "Idempotency-Key": crypto.randomUUID(),
        }),
        expect: 201,
      }),
    },
  ];
}
