/**
 * The CPU a cached search hit costs inside the search function, with no I/O:
 * the search app is called in-process (`app.request`) and the Upstash
 * client's HTTP is answered in-process with the reply the Upstash bridge
 * gave for the same request (recorded once, replayed byte for byte), so the
 * timed work is the function's own: middleware, validation, normalising,
 * hashing, the @upstash/redis client building its request and decoding its
 * reply, and the response. The stand-in is a `globalThis.fetch` wrapper (as
 * tests/round_trips.ts counts round trips): no product code changes for it.
 * A same-run baseline is a bare Hono hello-world's `app.request`, timed
 * interleaved with the hits.
 *
 *   deno run -A bench/search_hit.ts            # seeds a small world, prints the figures
 *   deno run -A --cpu-prof bench/search_hit.ts # and a .cpuprofile of it
 */
import { Hono } from "hono";
import type { App } from "../shared/app.ts";
import { bearer, issueTestToken } from "../tests/auth_helpers.ts";

export interface HitCpu {
  iterations: number;
  /** One cached hit through the search app, in-process, Redis replayed. */
  hit: { p50_us: number; mean_us: number };
  /** A bare Hono hello-world `app.request`, interleaved with the hits. */
  hello: { p50_us: number; mean_us: number };
}

const us = (ms: number) => Math.round(ms * 1000 * 10) / 10;

function summary(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return {
    p50_us: us(s[Math.floor(s.length / 2)]),
    mean_us: us(s.reduce((a, b) => a + b) / s.length),
  };
}

/**
 * Records the Upstash reply of each query's cached hit through the real
 * bridge, then times `iterations` hits with those replies served in-process.
 * Every query must already be cached under `env` (the run fails otherwise).
 */
export async function hitCpu(
  app: App,
  env: Record<string, string>,
  queries: string[],
  iterations = 5000,
): Promise<HitCpu> {
  const upstash = env.UPSTASH_REDIS_REST_URL;
  const real = globalThis.fetch;
  const replies = new Map<string, string>();
  let replay = false;
  const keyOf = (url: string, init?: RequestInit) => `${url} ${String(init?.body ?? "")}`;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(upstash)) {
      if (replay) throw new Error(`A cached hit fetched ${url}`);
      return real(input, init);
    }
    const key = keyOf(url, init);
    if (replay) {
      const body = replies.get(key);
      if (body === undefined) throw new Error(`No recorded Upstash reply for ${key}`);
      return new Response(body, { headers: { "Content-Type": "application/json" } });
    }
    const res = await real(input, init);
    const body = await res.text();
    replies.set(key, body);
    return new Response(body, { status: res.status, headers: res.headers });
  };
  const hello = new Hono().get("/", (c) => c.text("Hello, world"));
  try {
    const admin = bearer(await issueTestToken({ sub: "bench", role: "admin" }));
    const paths = queries.map((q) => `/search/products?${q}`);
    for (const path of paths) {
      // Recorded as the admin sees it, so the run knows every reply is a hit.
      const res = await app.request(path, { headers: admin }, env);
      await res.arrayBuffer();
      if (!res.headers.get("Server-Timing")?.includes('cache;desc="hit"')) {
        throw new Error(`Not a cached hit: ${path}`);
      }
    }
    replay = true;
    const hits: number[] = [];
    const hellos: number[] = [];
    for (let i = -500; i < iterations; i++) {
      const path = paths[(i + 500) % paths.length];
      let t = performance.now();
      const res = await app.request(path, {}, env);
      await res.arrayBuffer();
      const hitMs = performance.now() - t;
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      t = performance.now();
      await (await hello.request("/")).arrayBuffer();
      const helloMs = performance.now() - t;
      if (i >= 0) { // the first 500 warm the JIT
        hits.push(hitMs);
        hellos.push(helloMs);
      }
    }
    return { iterations, hit: summary(hits), hello: summary(hellos) };
  } finally {
    globalThis.fetch = real;
  }
}

if (import.meta.main) {
  const { withBenchWorld } = await import("./setup.ts");
  const { seedCatalog } = await import("../db/catalog/seed.ts");
  const { createSearchApp } = await import("../functions/search/app.ts");
  const { authTestEnv } = await import("../tests/auth_helpers.ts");
  const { QUERY_MIX } = await import("./search_catalog.ts");
  const result = await withBenchWorld("ch_hit", async (w) => {
    await seedCatalog({ databaseUrl: w.ownerUrl, count: 3000, seed: 42 });
    const env = { ...authTestEnv(), SEARCH_CURSOR_SECRET: "b".repeat(32), ...w.env("search") };
    const app = createSearchApp();
    // Deep-cursor queries need a walk; the first page of each is enough here.
    const queries = QUERY_MIX.map((m) => m.query);
    for (const q of queries) await (await app.request(`/search/products?${q}`, {}, env)).text();
    await new Promise((resolve) => setTimeout(resolve, 1000)); // background cache writes land
    return await hitCpu(app, env, queries, Number(Deno.env.get("BENCH_ITERATIONS") ?? 5000));
  });
  console.log(JSON.stringify(result));
  console.log(
    `cached hit in-function: p50 ${result.hit.p50_us} µs, mean ${result.hit.mean_us} µs; ` +
      `hello-world app.request p50 ${result.hello.p50_us} µs, mean ${result.hello.mean_us} µs; ` +
      `hit − hello p50 ${Math.round((result.hit.p50_us - result.hello.p50_us) * 10) / 10} µs`,
  );
}
