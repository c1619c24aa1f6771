/**
 * The auth service's single entry for both runtimes:
 * `deno serve functions/auth/main.ts` and Cloudflare Workers.
 */
import { entry } from "../../shared/entry.ts";
import { authEnvSchema } from "./env.ts";
import { createAuthApp } from "./app.ts";

export const app = createAuthApp();

export default entry(app, authEnvSchema);
