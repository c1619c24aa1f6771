import { z } from "@hono/zod-openapi";

export const Session = z.object({
  id: z.uuid(),
  created_at: z.string(),
  last_used_at: z.string(),
  user_agent: z.string().nullable(),
  current: z.boolean(),
}).openapi("Session");
