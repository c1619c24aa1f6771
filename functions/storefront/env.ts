import { z } from "zod";

/**
 * Everything the storefront reads from env. It has no database of its own:
 * it reaches auth, search and checkout over their public HTTP APIs, through a
 * Workers service binding (`AUTH_SERVICE`, ...) when one is configured, else
 * at the base URL (locally each function's port, or the gateway origin).
 */
export const storefrontEnvSchema = z.object({
  AUTH_URL: z.url({ protocol: /^https?$/ }),
  SEARCH_URL: z.url({ protocol: /^https?$/ }),
  CHECKOUT_URL: z.url({ protocol: /^https?$/ }),
  /** HMAC key of the signed guest-cart cookie (at least 32 characters). */
  STOREFRONT_COOKIE_SECRET: z.string().min(32),
  /** Origins allowed to post the storefront's forms besides its own (comma-separated). */
  STOREFRONT_ORIGIN: z.string().optional(),
  /** How long one call to a service may take before the page says "try again". */
  STOREFRONT_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type StorefrontEnv = z.infer<typeof storefrontEnvSchema>;

/** A Workers service binding: anything with `fetch(Request)`. */
export interface ServiceBinding {
  fetch(req: Request): Promise<Response>;
}

/** The optional service bindings, by service. */
export const BINDINGS = {
  auth: "AUTH_SERVICE",
  search: "SEARCH_SERVICE",
  checkout: "CHECKOUT_SERVICE",
} as const;
