/**
 * The auth service's single entry for both runtimes:
 * `deno serve functions/auth/main.ts` and Cloudflare Workers.
 */
import { entry } from "../../shared/entry.ts";
import { createAuthApp } from "./app.ts";

export const app = createAuthApp();

// shared/entry.ts types `env` as unknown; Hono's fetch wants a record.
export default entry({
  fetch: (req, env, ctx) => app.fetch(req, env as Record<string, unknown> | undefined, ctx),
});
