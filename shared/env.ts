import { z } from "zod";

/** Variables every service reads: Postgres, Upstash Redis, local bridge overrides and logging. */
export const baseEnvSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  /** Key prefix for everything this deployment stores in Redis. */
  REDIS_PREFIX: z.string().default("edgeshop:"),
  /** Local only: where `neon()` sends its HTTP queries (the Neon bridge's `/sql`). */
  NEON_HTTP_ENDPOINT: z.url().optional(),
  /** Local only: `host:port/path` of the Neon bridge's WebSocket relay. */
  NEON_WS_PROXY: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /**
   * How long one request may wait on Postgres, in total over all its queries
   * (the Neon driver's fetch is aborted then). With REDIS_TIMEOUT_MS the
   * defaults add up to 2 s: a route needing a dead dependency answers 503
   * within that.
   */
  DB_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(1500),
  /** How long one request may wait on Redis, in total over all its commands. */
  REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

/** Raised when configuration is missing or malformed; names every offending variable. */
export class EnvError extends Error {
  constructor(readonly variables: string[], message: string) {
    super(message);
    this.name = "EnvError";
  }
}

const cache = new WeakMap<object, WeakMap<z.ZodType, unknown>>();

/**
 * Parses `env` with `schema` once per env object (Workers hands the same
 * object to every request of an isolate) and caches the result.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: object): z.infer<S> {
  let bySchema = cache.get(env);
  if (!bySchema) cache.set(env, bySchema = new WeakMap());
  if (bySchema.has(schema)) return bySchema.get(schema) as z.infer<S>;
  const result = schema.safeParse(env);
  if (!result.success) {
    const variables = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? "?")))];
    const detail = result.error.issues
      .map((i) => `"${String(i.path[0] ?? "?")}": ${i.message}`)
      .join("; ");
    throw new EnvError(variables, `Cannot start: invalid environment: ${detail}`);
  }
  bySchema.set(schema, result.data);
  return result.data;
}
