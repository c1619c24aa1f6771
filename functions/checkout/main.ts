/**
 * The checkout function for both runtimes: `deno serve functions/checkout/main.ts`
 * and Workers (`export default { fetch }`). Nothing here does I/O at import.
 */
import { entry } from "../../shared/entry.ts";
import { checkoutEnvSchema } from "./env.ts";
import { createCheckoutApp } from "./app.ts";
import { registerDenoCron, scheduled } from "./scheduled.ts";

export const app = createCheckoutApp();

// The sweep: `scheduled` on Workers' cron, Deno Deploy's cron (a no-op elsewhere).
registerDenoCron();
export default { ...entry(app, checkoutEnvSchema), scheduled };
