/**
 * The storefront function's single entry: `deno serve functions/storefront/main.ts`
 * and Workers alike. Nothing here does I/O; clients are made per request.
 */
import { entry } from "../../shared/entry.ts";
import { createStorefrontApp } from "./app.ts";

export default entry(createStorefrontApp());
