/**
 * Runs the three services and the storefront, each as its own process, and
 * the gateway in front of them: on Deno (`deno serve`, as `deno task dev`) or on workerd
 * (`wrangler dev`, the Workers runtime), given running bridges.
 */
import { gatewayHandler } from "./gateway.ts";
import { freePort } from "./ports.ts";
import { type FunctionName, type Service, SERVICES, storefrontEnv } from "./local_env.ts";
import { WRANGLER } from "./wrangler.ts";
import { exitOnSignals, onShutdown } from "./shutdown.ts";
import { buildDocsAssets } from "./docs_assets.ts";

export type Runtime = "deno" | "workerd";

export interface Stack {
  gatewayUrl: string;
  ports: Record<FunctionName, number>;
  stop(): Promise<void>;
}

const ROOT = new URL("..", import.meta.url);

/** Polls `/<service>/health` every `everyMs` until it answers 200; fails if the process exits. */
export async function waitHealthy(
  service: string,
  port: number,
  child: Deno.ChildProcess,
  ms: number,
  everyMs = 50,
) {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Cannot start ${service}: its process exited`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/${service}/health`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`Cannot start ${service}: no answer on port ${port} within ${ms / 1000} s`);
}

/** wrangler children, each leading its own process group, and the env file it was given. */
const wranglers = new WeakMap<Deno.ChildProcess, string>();

/** How to stop each running function on shutdown (dev/shutdown.ts). */
const unregister = new WeakMap<Deno.ChildProcess, () => void>();

/** Stops a process started by `spawnFunction` (with its whole group under wrangler) and waits for it. */
export async function stopFunction(child: Deno.ChildProcess): Promise<void> {
  unregister.get(child)?.();
  try {
    if (wranglers.has(child)) Deno.kill(-child.pid, "SIGTERM");
    else child.kill("SIGTERM");
  } catch { /* already gone */ }
  await child.status;
  // The env file holds secrets (the signing key): leave nothing behind.
  const envFile = wranglers.get(child);
  if (envFile) await Deno.remove(envFile).catch(() => {});
}

/** Spawns one function on `port`: `deno serve`, or `wrangler dev` with `env` in an env file. */
export async function spawnFunction(
  runtime: Runtime,
  service: FunctionName,
  port: number,
  env: Record<string, string>,
  quiet: boolean,
  logFile?: string,
): Promise<Deno.ChildProcess> {
  const io = logFile ? "piped" : quiet ? "null" : "inherit";
  const started = (child: Deno.ChildProcess) => {
    if (logFile) appendOutput(child, logFile);
    exitOnSignals();
    unregister.set(child, onShutdown(() => stopFunction(child)));
    return child;
  };
  if (runtime === "deno") {
    const child = new Deno.Command(Deno.execPath(), {
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
      env,
      stdout: io,
      stderr: io,
    }).spawn();
    return started(child);
  }
  await buildDocsAssets(); // wrangler.toml's assets directories must exist
  // wrangler dev takes the function's env from a file, as .dev.vars would.
  const envFile = await Deno.makeTempFile({ prefix: `edgeshop-${service}-`, suffix: ".env" });
  await Deno.writeTextFile(
    envFile,
    Object.entries(env).map(([k, v]) => {
      // Single quotes keep a value literal in dotenv (JSON keys keep their `"`).
      if (/['\n]/.test(v)) {
        throw new Error(`Cannot pass ${k} to wrangler dev: it holds a quote or newline`);
      }
      return `${k}='${v}'`;
    }).join("\n"),
  );
  // Its own process group (setsid): npx, wrangler and workerd all stop together.
  const child = new Deno.Command("setsid", {
    args: [
      "npx",
      "--yes",
      WRANGLER,
      "dev",
      "--env",
      service,
      "--env-file",
      envFile,
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(freePort()),
      "--show-interactive-dev-session=false",
      "--log-level",
      quiet ? "error" : "info",
    ],
    cwd: ROOT,
    env: { WRANGLER_SEND_METRICS: "false" },
    stdin: "null",
    stdout: io,
    stderr: io,
  }).spawn();
  wranglers.set(child, envFile);
  return started(child);
}

/** Appends a child's stdout and stderr to `path` (its log lines, for tests to read). */
function appendOutput(child: Deno.ChildProcess, path: string) {
  const file = Deno.openSync(path, { create: true, append: true });
  let open = 2;
  for (const stream of [child.stdout, child.stderr]) {
    (async () => {
      for await (const chunk of stream) {
        // Whole chunks, synchronously: lines from the two streams never interleave mid-chunk.
        for (let done = 0; done < chunk.length;) done += file.writeSync(chunk.subarray(done));
      }
    })().catch(() => {}).finally(() => {
      if (--open === 0) file.close();
    });
  }
}

/** Starts the functions and the gateway; `stop()` ends them all. */
export async function startStack(opts: {
  runtime: Runtime;
  envs: Record<Service, Record<string, string>>;
  ports?: Record<Service, number>;
  storefrontPort?: number;
  gatewayPort?: number;
  quiet?: boolean;
  /** Write each function's output to `<logDir>/<service>.log` instead of the console. */
  logDir?: string;
}): Promise<Stack> {
  const ports: Record<FunctionName, number> = {
    ...(opts.ports ??
      Object.fromEntries(SERVICES.map((s) => [s, freePort()])) as Record<Service, number>),
    storefront: opts.storefrontPort ?? freePort(),
  };
  // Chosen up front: the storefront needs its public origin to check form posts.
  const gatewayPort = opts.gatewayPort || freePort();
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const envs = { ...opts.envs, storefront: storefrontEnv(ports, gatewayUrl) };
  if (opts.envs.auth.LOG_LEVEL) envs.storefront.LOG_LEVEL = opts.envs.auth.LOG_LEVEL;
  const functions = [...SERVICES, "storefront"] as const;
  const children: Deno.ChildProcess[] = [];
  let gateway: Deno.HttpServer | undefined;
  const stop = async () => {
    await gateway?.shutdown();
    await Promise.all(children.map(stopFunction));
  };
  try {
    for (const name of functions) {
      const child = await spawnFunction(
        opts.runtime,
        name,
        ports[name],
        envs[name],
        opts.quiet ?? false,
        opts.logDir ? `${opts.logDir}/${name}.log` : undefined,
      );
      children.push(child);
    }
    const timeout = opts.runtime === "deno" ? 20_000 : 90_000;
    await Promise.all(functions.map((s, i) => waitHealthy(s, ports[s], children[i], timeout)));
    const { storefront, ...services } = ports;
    gateway = Deno.serve(
      { hostname: "127.0.0.1", port: gatewayPort, onListen: () => {} },
      gatewayHandler(services, storefront),
    );
    return { gatewayUrl, ports, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
