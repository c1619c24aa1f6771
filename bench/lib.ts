/** What every benchmark shares: timing, a served app, the hello-world baseline, tables. */
import { Hono } from "hono";

export interface Stats {
  p50_ms: number;
  p99_ms: number;
  ops_per_s: number;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `op` `iterations` times from `concurrency` concurrent workers, after a warm-up. */
export async function measure(
  iterations: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<Stats> {
  await Promise.all(Array.from({ length: Math.min(iterations, concurrency * 2) }, (_, i) => op(i)));
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < iterations) {
      const i = next++;
      const t = performance.now();
      await op(i);
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    p50_ms: round(at(0.5)),
    p99_ms: round(at(0.99)),
    ops_per_s: Math.round(iterations / elapsed * 1000),
  };
}

/** Serves a fetch handler on a free loopback port, as `deno serve` would. */
export function serve(
  fetch: (req: Request) => Response | Promise<Response>,
): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, fetch);
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

/** The baseline every HTTP figure is divided by: a bare Hono hello-world on the same runtime. */
export function helloWorld(): { url: string; close(): Promise<void> } {
  const app = new Hono().get("/", (c) => c.text("Hello, world"));
  return serve(app.fetch);
}

/** GETs (or sends `init`) and drains the body, failing on an unexpected status. */
export async function hit(url: string, init: RequestInit = {}, expect = 200): Promise<void> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (res.status !== expect) {
    throw new Error(`${init.method ?? "GET"} ${url} answered ${res.status}`);
  }
}

/** A markdown table. */
export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** `a / b` to two digits, for the "×" columns. */
export const ratio = (a: number, b: number) => round(a / b, 2);

/** The median of numbers (for figures taken over several runs). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Field by field medians of several runs' figures. */
export function medianStats(runs: Stats[]): Stats {
  return {
    p50_ms: round(median(runs.map((s) => s.p50_ms))),
    p99_ms: round(median(runs.map((s) => s.p99_ms))),
    ops_per_s: Math.round(median(runs.map((s) => s.ops_per_s))),
  };
}
