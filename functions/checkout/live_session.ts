import { requireLiveSession } from "../../shared/revocation.ts";
import { deps } from "./deps.ts";

/**
 * Checkout refuses a revoked session's tokens (shared/revocation.ts). Used
 * after `requireUser()` on every route but `GET /cart` and
 * `POST /orders`, which check beside their first Redis read instead.
 */
export const liveSession = requireLiveSession((c) => {
  const { env, redis } = deps(c);
  return { redis, prefix: env.REDIS_PREFIX };
});
