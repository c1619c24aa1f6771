/**
 * Hono env shared by every service: its bindings. The per-request variables
 * (`log`, `user`, `trace`, hono's `requestId`) are declared on
 * hono's `ContextVariableMap` by shared/log.ts, shared/auth.ts and shared/trace.ts.
 */
export type AppEnv = {
  Bindings: Record<string, unknown>;
};
