/**
 * The search function's single entry: `deno serve functions/search/main.ts`
 * and Workers alike. Nothing here does I/O; clients are made per request.
 */
import { entry } from "../../shared/entry.ts";
import { searchEnvSchema } from "./env.ts";
import { createSearchApp } from "./app.ts";

export default entry(createSearchApp(), searchEnvSchema);
