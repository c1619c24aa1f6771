/**
 * The checkout function for both runtimes: `deno serve functions/checkout/main.ts`
 * and Workers (`export default { fetch }`). Nothing here does I/O at import.
 */
import { entry } from "../../shared/entry.ts";
import { createCheckoutApp } from "./app.ts";

export const app = createCheckoutApp();

export default entry(app);
