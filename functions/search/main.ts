/**
 * The search function's single entry: `deno serve functions/search/main.ts`
 * and Workers alike. Nothing here does I/O; clients are made per request.
 */
import { entry } from "../../shared/entry.ts";
import { createSearchApp } from "./app.ts";

const app = createSearchApp();

// Hono types `env` as a record; the runtimes hand over whatever they have.
export default entry({
  fetch: (req, env, ctx) => app.fetch(req, env as Record<string, unknown>, ctx),
});
