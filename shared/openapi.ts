import { EXAMPLES } from "./openapi_examples.ts";
import { z } from "@hono/zod-openapi";

/** RFC 9457 problem details as every error response carries them (shared/errors.ts renders them). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).loose().openapi("Problem", { example: EXAMPLES.problem });

/** An OpenAPI response entry for a problem+json error, for `createRoute`. */
export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

/** A required (by default) JSON request body for `createRoute`'s `request`. */
export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  body: { content: { "application/json": { schema } }, required },
});

/** An OpenAPI response entry for JSON, for `createRoute`; description first, as `problemResponse`. */
export const jsonResponse = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});

/** The `security` of a route that takes an access token (`Authorization: Bearer`). */
export const bearerSecurity = [{ bearer: [] }];

const TAGS: Record<string, { name: string; description: string }[]> = {
  auth: [
    { name: "accounts", description: "Sign up, sign in, the current user" },
    { name: "tokens", description: "Refresh token rotation and logout" },
    { name: "sessions", description: "The user's sessions, and revoking them" },
    { name: "keys", description: "The JWKS other services verify access tokens with" },
  ],
  search: [
    { name: "search", description: "Full-text product search and suggestions (public)" },
    { name: "products", description: "Reading one product; catalog writes (admin)" },
  ],
  checkout: [
    { name: "cart", description: "The signed-in user's cart" },
    { name: "orders", description: "Idempotent orders, payment and cancellation" },
    { name: "inventory", description: "Stock levels (admin)" },
  ],
};

/** Where the API is served: the local stack's gateway, and a placeholder for a deployment. */
export const OPENAPI_SERVERS = [
  { url: "http://127.0.0.1:8000", description: "Local stack (`deno task dev`)" },
  { url: "https://api.edgeshop.example", description: "Production (placeholder: your domain)" },
];

/** The document-level fields of a service's OpenAPI document (paths come from its routes). */
export function openApiConfig(service: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: `Edgeshop ${service}`,
      version: "1.0.0",
      description:
        `The ${service} service of Edgeshop. The HTTP contract and its common rules (errors, CORS, ` +
        "rate limits, request ids) are described in the repository's docs/api.md.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: OPENAPI_SERVERS,
    tags: TAGS[service] ?? [],
  };
}
