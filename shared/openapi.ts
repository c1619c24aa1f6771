import { z } from "@hono/zod-openapi";

/** RFC 9457 problem details as every error response carries them (shared/errors.ts renders them). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).loose().openapi("Problem");

/** An OpenAPI response entry for a problem+json error, for `createRoute`. */
export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** The document-level fields of a service's OpenAPI document (paths come from its routes). */
export function openApiConfig(service: string) {
  return {
    openapi: "3.1.0",
    info: { title: `Edgeshop ${service}`, version: "1.0.0" },
  };
}
