/**
 * One shutdown path for the dev stack, the test runner and the benches: what
 * they start registers how to stop it, and Ctrl-C (SIGINT to the process
 * group) or SIGTERM runs every registered cleanup once, newest first, then
 * exits. Without it Deno exits on SIGINT at once, leaving wrangler's process
 * groups, throwaway servers' folders and env files holding secrets behind.
 */
type Cleanup = () => Promise<unknown>;

const cleanups = new Set<Cleanup>();
let stopping: Promise<never> | undefined;
let listening = false;

/** Registers `cleanup` to run on shutdown; call the returned function once it has run by itself. */
export function onShutdown(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every cleanup (once, however often it is called) and exits with `code`. */
export function shutdown(code: number, log?: (line: string) => void): Promise<never> {
  stopping ??= (async () => {
    for (const cleanup of [...cleanups].reverse()) {
      cleanups.delete(cleanup);
      await cleanup().catch((err) => log?.(`cleanup failed: ${err}`));
    }
    Deno.exit(code);
  })();
  return stopping;
}

/**
 * On SIGINT or SIGTERM: say "stopping" once, clean up, exit 130 (SIGINT) or
 * 143 (SIGTERM). Installed once per process (later calls do nothing), also by
 * whatever starts something that must not outlive it (dev/stack.ts,
 * bench/setup.ts), so every script that uses them stops them on Ctrl-C.
 */
export function exitOnSignals(log: (line: string) => void = console.error): void {
  if (listening) return;
  listening = true;
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    Deno.addSignalListener(signal, () => {
      if (!stopping) log("stopping");
      shutdown(code, log);
    });
  }
}
