/**
 * The checkout function for both runtimes: `deno serve functions/checkout/main.ts`
 * and Workers (`export default { fetch }`). Nothing here does I/O at import.
 */
import { entry } from "../../shared/entry.ts";
import { createCheckoutApp } from "./app.ts";

export const app = createCheckoutApp();

// shared/entry.ts types `env` as unknown; Hono's fetch wants a record.
export default entry({
  fetch: (req, env, ctx) => app.fetch(req, env as Record<string, unknown> | undefined, ctx),
});
