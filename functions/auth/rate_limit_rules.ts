import type { AuthEnv } from "./env.ts";
import type { LimitRule } from "./rate_limit.ts";

/** The login and signup limits of this env, per minute. */
export function rules(env: AuthEnv) {
  return {
    loginFailuresPerEmail: {
      name: "login-fail",
      limit: env.RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL,
      windowSeconds: 60,
    },
    loginPerIp: { name: "login-ip", limit: env.RATE_LIMIT_LOGIN_PER_IP, windowSeconds: 60 },
    signupPerIp: { name: "signup-ip", limit: env.RATE_LIMIT_SIGNUP_PER_IP, windowSeconds: 60 },
  } satisfies Record<string, LimitRule>;
}
