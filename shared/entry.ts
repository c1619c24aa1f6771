import type { ZodType } from "zod";
import { EnvError, parseEnv } from "./env.ts";
import { DOCS_VENDOR_FILES, docsVendorFile } from "./docs.ts";

/** Anything with Hono's `app.fetch(req, env, executionCtx)` shape. */
// deno-lint-ignore no-explicit-any
type FetchHandler = (req: Request, env?: any, ctx?: any) => Response | Promise<Response>;

interface DenoLike {
  env: { toObject(): Record<string, string> };
  readFile(path: URL): Promise<Uint8Array>;
}

/**
 * On Deno, the docs page's vendor files (shared/docs.ts) are served here, in
 * front of the app, as Workers Static Assets serves them on Workers: from the
 * pinned swagger-ui-dist in node_modules (`deno install` puts it there).
 */
async function docsAsset(deno: DenoLike, file: string): Promise<Response | undefined> {
  try {
    // Resolved here, not at module scope: a Worker's import.meta.url is no file URL.
    const body = await deno.readFile(
      new URL(`../node_modules/swagger-ui-dist/${file}`, import.meta.url),
    );
    return new Response(body as BodyInit, {
      headers: {
        "Content-Type": DOCS_VENDOR_FILES[file],
        "Cache-Control": "public, max-age=86400",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch {
    return undefined; // not installed: the app answers 404
  }
}

const remoteAddrs = new WeakMap<Request, string>();

/** The address the runtime saw the request come from (Deno only; Workers uses `CF-Connecting-IP`). */
export function remoteAddr(req: Request): string | undefined {
  return remoteAddrs.get(req);
}

/**
 * One entry for both runtimes. Workers calls `fetch(req, env, ctx)`;
 * `deno serve` calls `fetch(req, info)`, so on Deno the env comes from
 * `Deno.env`, read once on the first request (never at module scope).
 *
 * With `envSchema`, `deno serve` also checks the env as soon as it listens
 * and says on stderr which variables are missing or invalid (never their
 * values). It keeps serving: `/health` answers and every other route is 503
 * `misconfigured` (createApp checks each request). Workers has no start
 * hook: there the first request finds out.
 */
export function entry(app: { fetch: FetchHandler }, envSchema?: ZodType) {
  let denoEnv: Record<string, string> | undefined;
  return {
    onListen({ hostname, port }: { hostname?: string; port?: number }) {
      console.log(`Listening on http://${hostname}:${port}/`);
      const deno = (globalThis as { Deno?: DenoLike }).Deno;
      if (!envSchema || !deno) return;
      try {
        parseEnv(envSchema, denoEnv ??= deno.env.toObject());
      } catch (err) {
        if (!(err instanceof EnvError)) throw err;
        console.error(
          `Misconfigured: fix ${err.variables.join(", ")}. Every route but /health answers 503 ` +
            `until then. ${err.message}`,
        );
      }
    },
    fetch(req: Request, envOrInfo?: unknown, ctx?: unknown): Response | Promise<Response> {
      const deno = (globalThis as { Deno?: DenoLike }).Deno;
      if (deno && ctx === undefined) {
        const info = envOrInfo as { remoteAddr?: { hostname?: string } } | undefined;
        if (info?.remoteAddr?.hostname) remoteAddrs.set(req, info.remoteAddr.hostname);
        denoEnv ??= deno.env.toObject();
        const file = req.method === "GET" ? docsVendorFile(new URL(req.url).pathname) : undefined;
        if (file) {
          const env = denoEnv;
          return docsAsset(deno, file).then((res) => res ?? app.fetch(req, env));
        }
        return app.fetch(req, denoEnv);
      }
      return app.fetch(req, envOrInfo, ctx);
    },
  };
}

/** The part of Deno's namespace a cron job needs. */
export interface DenoCronHost {
  cron?: (name: string, schedule: string, handler: () => Promise<void>) => unknown;
  env: { toObject(): Record<string, string> };
}

/**
 * Registers `job` with Deno Deploy's cron (`Deno.cron`) where the runtime has
 * it; Workers, and `deno serve` without `--unstable-cron`, have none, and then
 * this does nothing. Deploy finds the crons an entry registers while it loads,
 * so call it at module scope: registering is not I/O, and the job reads the
 * env only when it runs. Returns whether it registered.
 */
export function denoCron(
  name: string,
  schedule: string,
  job: (env: Record<string, string>) => Promise<unknown>,
  deno = (globalThis as { Deno?: DenoCronHost }).Deno,
): boolean {
  if (typeof deno?.cron !== "function") return false;
  deno.cron(name, schedule, async () => {
    await job(deno.env.toObject());
  });
  return true;
}
