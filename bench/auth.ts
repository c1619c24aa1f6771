/**
 * Auth benchmarks, each beside a bare Hono hello-world served the same way
 * in the same run: offline verification (cached and uncached token,
 * in-process), and login and `GET /auth/me` over HTTP (Deno.serve on a free
 * port, concurrent fetch) against real Postgres and Redis via the bridges.
 *
 *   deno run -A bench/auth.ts   # BENCH_ITERATIONS, BENCH_CONCURRENCY
 */
import { AccessTokenVerifier } from "../shared/jwt.ts";
import { authTestEnv, issueTestToken, TEST_AUDIENCE, TEST_ISSUER } from "../tests/auth_helpers.ts";
import { createAuthApp } from "../functions/auth/app.ts";
import { helloWorld, hit, measure, ratio, serve, type Stats, table } from "./lib.ts";

export interface AuthBenchOptions {
  /** Env for the auth app: DATABASE_URL (auth role), bridges, REDIS_PREFIX. */
  env: Record<string, string>;
  iterations?: number;
  concurrency?: number;
  /** In-process verifications per case. */
  verifications?: number;
}

export interface AuthBench {
  verify_cached_per_s: number;
  verify_uncached_per_s: number;
  hello: Stats;
  login: Stats;
  me: Stats;
  login_vs_hello: number;
  me_vs_hello: number;
}

async function perSecond(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(n, 50); i++) await op(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  return Math.round(n / (performance.now() - t0) * 1000);
}

/** Runs every auth benchmark and answers the figures. */
export async function benchAuth(opts: AuthBenchOptions): Promise<AuthBench> {
  const iterations = opts.iterations ?? 300;
  const concurrency = opts.concurrency ?? 8;
  const n = opts.verifications ?? 2000;

  const jwks = JSON.parse(authTestEnv().AUTH_JWKS);
  const verifier = () =>
    new AccessTokenVerifier({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, jwks });
  const one = await issueTestToken({ sub: "bench", role: "customer" });
  const cachedVerifier = verifier();
  const verify_cached_per_s = await perSecond(n, () => cachedVerifier.verify(one));
  const tokens = await Promise.all(
    Array.from({ length: n + 50 }, () => issueTestToken({ sub: "b", role: "customer" })),
  );
  const uncachedVerifier = verifier();
  const verify_uncached_per_s = await perSecond(
    n,
    (i) => uncachedVerifier.verify(tokens[(i + 50) % tokens.length]),
  );

  const env = { ...authTestEnv(), RATE_LIMIT_LOGIN_PER_IP: "1000000", ...opts.env };
  const app = createAuthApp();
  const auth = serve((req) => app.fetch(req, env));
  const hello = helloWorld();
  try {
    const email = `bench-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const password = "bench password";
    const json = (body: unknown) => ({
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const signup = await fetch(`${auth.url}/auth/signup`, json({ email, password }));
    if (signup.status !== 201) {
      throw new Error(`Cannot sign up: ${signup.status} ${await signup.text()}`);
    }
    const { access_token } = await signup.json();
    const helloStats = await measure(iterations, concurrency, () => hit(hello.url));
    const login = await measure(
      iterations,
      concurrency,
      () => hit(`${auth.url}/auth/login`, json({ email, password })),
    );
    const me = await measure(
      iterations,
      concurrency,
      () => hit(`${auth.url}/auth/me`, { headers: { Authorization: `Bearer ${access_token}` } }),
    );
    return {
      verify_cached_per_s,
      verify_uncached_per_s,
      hello: helloStats,
      login,
      me,
      login_vs_hello: ratio(helloStats.ops_per_s, login.ops_per_s),
      me_vs_hello: ratio(helloStats.ops_per_s, me.ops_per_s),
    };
  } finally {
    await auth.close();
    await hello.close();
  }
}

/** The figures as a markdown table. */
export function authTable(r: AuthBench): string {
  const row = (
    name: string,
    s: Stats,
    x: number | string,
  ) => [name, s.ops_per_s, s.p50_ms, s.p99_ms, x];
  return [
    table(["verification (in-process)", "per second"], [
      ["cached token (no signature check)", r.verify_cached_per_s],
      ["uncached token (Ed25519 verify)", r.verify_uncached_per_s],
    ]),
    "",
    table(["HTTP", "req/s", "p50 ms", "p99 ms", "hello ÷ this"], [
      row("hello world (baseline)", r.hello, 1),
      row("POST /auth/login", r.login, r.login_vs_hello),
      row("GET /auth/me", r.me, r.me_vs_hello),
    ]),
  ].join("\n");
}

if (import.meta.main) {
  const { withBenchWorld } = await import("./setup.ts");
  const result = await withBenchWorld("auth", (w) =>
    benchAuth({
      env: w.env("auth"),
      iterations: Number(Deno.env.get("BENCH_ITERATIONS") ?? 300),
      concurrency: Number(Deno.env.get("BENCH_CONCURRENCY") ?? 8),
    }));
  console.log(authTable(result));
}
