/**
 * Cold start per function: time from spawning the process to the first
 * answered request (`GET /<service>/health`), on Deno (`deno serve`) and on
 * workerd (`wrangler dev`). Health does no I/O, so this is the runtime's
 * start plus loading and evaluating the function's modules.
 *
 *   deno run -A bench/cold_start.ts   # BENCH_RUNS (5)
 */
import { SERVICES } from "../dev/local_env.ts";
import { WRANGLER } from "../dev/wrangler.ts";
import { median } from "./lib.ts";

const ROOT = new URL("..", import.meta.url);

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

async function firstAnswer(
  url: string,
  child: Deno.ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`No answer from ${url} within ${timeoutMs} ms`);
}

/** Milliseconds from spawn to the first 200 from `/health`, once. */
async function coldStart(runtime: "deno" | "workerd", service: string): Promise<number> {
  const port = freePort();
  const cmd = runtime === "deno"
    ? new Deno.Command(Deno.execPath(), {
      args: [
        "serve",
        "-A",
        "--port",
        String(port),
        "--host",
        "127.0.0.1",
        `functions/${service}/main.ts`,
      ],
      cwd: ROOT,
      stdout: "null",
      stderr: "null",
    })
    : new Deno.Command("npx", {
      args: [
        "--yes",
        WRANGLER,
        "dev",
        "--env",
        service,
        "--port",
        String(port),
        "--ip",
        "127.0.0.1",
        "--log-level",
        "error",
      ],
      cwd: ROOT,
      env: { WRANGLER_SEND_METRICS: "false", CI: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    });
  const t0 = performance.now();
  const child = cmd.spawn();
  try {
    await firstAnswer(
      `http://127.0.0.1:${port}/${service}/health`,
      child,
      runtime === "deno" ? 20_000 : 60_000,
    );
    return performance.now() - t0;
  } finally {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  }
}

export interface ColdStart {
  service: string;
  deno_ms: number;
  workerd_ms: number | null;
}

/** Median cold start of each function over `runs` starts, per runtime. */
export async function benchColdStart(
  opts: { runs: number; workerd: boolean },
): Promise<ColdStart[]> {
  const out: ColdStart[] = [];
  for (const service of SERVICES) {
    const deno = [];
    for (let i = 0; i < opts.runs; i++) deno.push(await coldStart("deno", service));
    const workerd = [];
    if (opts.workerd) {
      for (let i = 0; i < opts.runs; i++) workerd.push(await coldStart("workerd", service));
    }
    out.push({
      service,
      deno_ms: Math.round(median(deno)),
      workerd_ms: workerd.length ? Math.round(median(workerd)) : null,
    });
  }
  return out;
}

if (import.meta.main) {
  const runs = Number(Deno.env.get("BENCH_RUNS") ?? 5);
  console.table(await benchColdStart({ runs, workerd: Deno.env.get("BENCH_WORKERD") !== "false" }));
}
