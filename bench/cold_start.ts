/**
 * Cold start per function: time from spawning the process to the first
 * answered request (`GET /<service>/health`), on Deno (`deno serve`) and on
 * workerd (`wrangler dev`). Health does no I/O, so this is the runtime's
 * start plus loading and evaluating the function's modules.
 *
 *   deno run -A bench/cold_start.ts   # BENCH_RUNS (5)
 */
import { type Service, SERVICES } from "../dev/local_env.ts";
import { freePort } from "../dev/ports.ts";
import { type Runtime, spawnFunction, stopFunction, waitHealthy } from "../dev/stack.ts";
import { median } from "./lib.ts";

/** Milliseconds from spawn to the first 200 from `/health`, once. */
async function coldStart(runtime: Runtime, service: Service): Promise<number> {
  const port = freePort();
  const t0 = performance.now();
  const child = await spawnFunction(runtime, service, port, {}, true);
  try {
    await waitHealthy(service, port, child, runtime === "deno" ? 20_000 : 90_000, 5);
    return performance.now() - t0;
  } finally {
    await stopFunction(child);
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
