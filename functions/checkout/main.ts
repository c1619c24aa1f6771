/**
 * The checkout function for both runtimes: `deno serve functions/checkout/main.ts`
 * and Workers (`export default { fetch }`). Nothing here does I/O at import.
 */
import { entry } from "../../shared/entry.ts";
import { checkoutEnvSchema } from "./env.ts";
import { createCheckoutApp } from "./app.ts";
import { scheduled } from "./scheduled.ts";

export const app = createCheckoutApp();

// `scheduled` runs the sweep on Workers' cron; Deno Deploy ignores it (see README).
export default { ...entry(app, checkoutEnvSchema), scheduled };
