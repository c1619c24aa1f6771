import { bearerSecurity, jsonBody, jsonResponse, problemResponse } from "../../shared/openapi.ts";
import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../shared/app.ts";
import { requireUser } from "../../shared/auth.ts";
import { clientIp } from "../../shared/client_ip.ts";
import { ApiError, unauthorized } from "../../shared/errors.ts";
import { findUserByEmail, insertUserWithSession, startSession } from "./accounts_sql.ts";
import { deps } from "./deps.ts";
import { caller, userAgent } from "./caller.ts";
import { ownVerifier } from "./own_verifier.ts";
import { rules } from "./rate_limit_rules.ts";
import { hashParams, tokenPair } from "./issue.ts";
import { dummyHash, hashPassword, verifyPassword } from "./password.ts";
import { enforce, hashId, showLimits } from "./rate_limit.ts";
import { hashRefreshToken, newRefreshToken } from "./refresh_token.ts";
import { userOfLiveSession } from "./sessions_sql.ts";
import { LoginBody, SignupBody, TokenPair, User } from "./accounts_schemas.ts";

const invalidCredentials = () =>
  new ApiError(401, "invalid_credentials", "Email or password is incorrect");

/** Signup, login and the current user. */
export function accountsRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "post",
      path: "/signup",
      operationId: "signup",
      summary: "Create an account and sign in",
      tags: ["accounts"],
      security: [],
      request: jsonBody(SignupBody),
      responses: {
        201: jsonResponse("Account created and signed in", TokenPair),
        400: problemResponse("validation_failed"),
        409: problemResponse("email_taken"),
        429: problemResponse("rate_limited"),
      },
    }),
    async (c) => {
      const { env, sql, limiter } = deps(c);
      const rule = rules(env).signupPerIp;
      const decision = await limiter().consume(rule, clientIp(c));
      showLimits(c, [{ rule, decision }]);
      enforce(decision);
      const body = c.req.valid("json");
      const refresh = newRefreshToken();
      const [passwordHash, refreshHash] = await Promise.all([
        hashPassword(body.password, hashParams(env)),
        hashRefreshToken(refresh),
      ]);
      const created = await insertUserWithSession(sql, {
        email: body.email,
        name: body.name ?? null,
        passwordHash,
      }, {
        userAgent: userAgent(c),
        ip: clientIp(c),
        absoluteTtlSeconds: env.SESSION_ABSOLUTE_TTL_SECONDS,
        refreshHash,
      });
      if (!created) {
        throw new ApiError(409, "email_taken", "An account with this email already exists");
      }
      return c.json(await tokenPair(env, created, created.session_id, refresh), 201);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/login",
      operationId: "login",
      summary: "Sign in with email and password",
      tags: ["accounts"],
      security: [],
      request: jsonBody(LoginBody),
      responses: {
        200: jsonResponse("Signed in", TokenPair),
        400: problemResponse("validation_failed"),
        401: problemResponse("invalid_credentials"),
        429: problemResponse("rate_limited"),
      },
    }),
    async (c) => {
      const { env, sql, limiter } = deps(c);
      const { email, password } = c.req.valid("json");
      const limits = rules(env);
      const lim = limiter();
      const ip = clientIp(c);
      const [accountId, addressId] = await Promise.all([
        hashId(email),
        hashId(`${email}\n${ip}`),
      ]);
      // All checks in the same tick: auto-pipelined into one Redis round trip.
      const decisions = await Promise.all([
        lim.consume(limits.loginPerIp, ip),
        lim.peek(limits.loginFailuresPerAddress, addressId),
        lim.peek(limits.loginFailuresPerAccount, accountId),
      ]);
      showLimits(c, [{ rule: limits.loginPerIp, decision: decisions[0] }]);
      decisions.forEach(enforce);
      const user = await findUserByEmail(sql, email);
      const params = hashParams(env);
      // An unknown email costs one full hash too, so timing does not tell.
      const check = await verifyPassword(
        password,
        user?.password_hash ?? dummyHash(params),
        params,
      );
      if (!user || !check.ok) {
        await Promise.all([
          lim.consume(limits.loginFailuresPerAddress, addressId),
          lim.consume(limits.loginFailuresPerAccount, accountId),
        ]);
        throw invalidCredentials();
      }
      const refresh = newRefreshToken();
      const [refreshHash, rehash] = await Promise.all([
        hashRefreshToken(refresh),
        check.needsRehash ? hashPassword(password, params) : undefined,
      ]);
      const sessionId = await startSession(sql, user.id, {
        userAgent: userAgent(c),
        ip: clientIp(c),
        absoluteTtlSeconds: env.SESSION_ABSOLUTE_TTL_SECONDS,
        refreshHash,
      }, rehash ? { from: user.password_hash, to: rehash } : undefined);
      return c.json(await tokenPair(env, user, sessionId, refresh), 200);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/me",
      operationId: "getMe",
      summary: "The signed-in user",
      tags: ["accounts"],
      security: bearerSecurity,
      middleware: [requireUser({ verifier: ownVerifier })] as const,
      responses: {
        200: jsonResponse("The signed-in user", User),
        401: problemResponse("unauthorized"),
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const user = await userOfLiveSession(sql, caller(c, env));
      if (!user) throw unauthorized("The session has ended");
      return c.json(user, 200);
    },
  );

  return router;
}
