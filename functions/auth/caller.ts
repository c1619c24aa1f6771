import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { unauthorized } from "../../shared/errors.ts";
import type { AuthEnv } from "./env.ts";
import type { Caller } from "./sessions_sql.ts";

/** The session check's input from `c.get("user")` (set by `requireUser`). */
export function caller(c: Context<AppEnv>, env: AuthEnv): Caller {
  const user = c.get("user");
  if (!user) throw unauthorized();
  return { sub: user.id, sid: user.sessionId, idleTtlSeconds: env.SESSION_IDLE_TTL_SECONDS };
}

/** `User-Agent`, bounded, for the sessions list. */
export const userAgent = (c: Context) => c.req.header("User-Agent")?.slice(0, 512) ?? null;
