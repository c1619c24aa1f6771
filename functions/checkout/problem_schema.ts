import { z } from "@hono/zod-openapi";

/** RFC 9457 problem details as every error response carries them. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).loose().openapi("Problem");

/** An OpenAPI response entry for a problem+json error. */
export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** The 401 every checkout route can answer. */
export const authErrors = {
  401: problemResponse("Missing or invalid access token"),
};
