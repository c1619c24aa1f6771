import type { AuthEnv } from "./env.ts";
import type { LimitRule } from "./rate_limit.ts";

/** The login and signup limits of this env, per minute. */
export function rules(env: AuthEnv) {
  return {
    // Failed logins for one account from one client address: a stranger's
    // guesses stop here without locking the owner (elsewhere) out.
    loginFailuresPerAddress: {
      name: "login-fail-addr",
      limit: env.RATE_LIMIT_LOGIN_FAILURES_PER_ADDRESS,
      windowSeconds: 60,
    },
    // ...and from all addresses together, against guessing from many addresses.
    loginFailuresPerAccount: {
      name: "login-fail",
      limit: env.RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT,
      windowSeconds: 60,
    },
    loginPerIp: { name: "login-ip", limit: env.RATE_LIMIT_LOGIN_PER_IP, windowSeconds: 60 },
    signupPerIp: { name: "signup-ip", limit: env.RATE_LIMIT_SIGNUP_PER_IP, windowSeconds: 60 },
  } satisfies Record<string, LimitRule>;
}
