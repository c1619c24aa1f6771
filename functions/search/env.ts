import { z } from "zod";
import { baseEnvSchema, parseEnv } from "../../shared/env.ts";
import { withJwtEnv } from "../../shared/jwt.ts";

/** Everything the search service reads from env: base, JWT verification and its own knobs. */
export const searchEnvSchema = withJwtEnv(
  baseEnvSchema.extend({
    /** HMAC key for pagination cursors (at least 32 characters). */
    SEARCH_CURSOR_SECRET: z.string().min(32),
    /** How long a cached search result lives; the catalog version makes it stale sooner. */
    SEARCH_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** A cache lookup slower than this is abandoned and the search answers from Postgres. */
    SEARCH_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(5_000).default(250),
  }),
);

export type SearchEnv = z.infer<typeof searchEnvSchema>;

/** The parsed search env of this request's bindings. */
export const searchEnv = (env: unknown): SearchEnv =>
  parseEnv(searchEnvSchema, (env ?? {}) as object);
