import { z } from "@hono/zod-openapi";
import { text } from "../../shared/text.ts";

export const RefreshBody = z.object({ refresh_token: text().min(1).max(512) }).openapi(
  "RefreshBody",
);

export const LogoutBody = z.object({
  scope: z.enum(["local", "global", "others"]).default("local"),
}).openapi("LogoutBody");
