import { OpenAPIHono } from "@hono/zod-openapi";
import { headerLimit } from "./header_limit.ts";
import type { Context } from "hono";
import type { ZodType } from "zod";
import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "hono/body-limit";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { timing } from "hono/timing";
import { ApiError, problem, validationError, zodIssuesToErrors } from "./errors.ts";
import { undecodablePathParams, undecodableQueryParams } from "./text.ts";
import { createLogger } from "./log.ts";
import { readinessRoutes, type ReadyCheck } from "./health.ts";
import { serviceUnavailable, unavailableDependency } from "./unavailable.ts";
import { EnvError, parseEnv } from "./env.ts";
import { openApiConfig } from "./openapi.ts";
import { corsMiddleware } from "./cors.ts";
import { docsRoutes } from "./docs.ts";
import { observe, serverTimingDetails } from "./observe.ts";

export type { AppEnv } from "./app_env.ts";
import type { AppEnv } from "./app_env.ts";

/** The app type every service builds on. */
export type App = OpenAPIHono<AppEnv>;

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The validation hook of every route: a zod failure is 400 `validation_failed`;
 * so is a query or path parameter whose percent-encoding is not UTF-8 (see shared/text.ts).
 */
function throwValidation(
  result: {
    success: boolean;
    error?: { issues: ZodIssueLike[] };
    target?: string;
    data?: unknown;
  },
  c: Context,
) {
  const errors = result.success ? [] : zodIssuesToErrors(result.error?.issues ?? []);
  const undecodable = result.target === "query"
    ? undecodableQueryParams(c.req.url)
    : result.target === "param"
    ? undecodablePathParams(c.req.url, (result.data ?? {}) as Record<string, unknown>)
    : [];
  for (const name of undecodable) {
    errors.push({ path: name, message: "Must be percent-encoded UTF-8" });
  }
  if (errors.length) throw validationError(errors);
}

type ZodIssueLike = { path: PropertyKey[]; message: string };

/** A resource router: mount it with `app.route("/<service>/...", router)`. */
export function createRouter(): App {
  return new OpenAPIHono<AppEnv>({ defaultHook: throwValidation });
}

/**
 * Renders any thrown value: known errors keep their status; Postgres or
 * Redis not answering (refused, timed out, going away) is 503
 * `service_unavailable` with Retry-After, for every route at once; anything
 * else is a logged, generic 500.
 */
export function handleError(err: unknown, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return problem(c, err);
  const log = c.get("log") ?? createLogger({});
  if (err instanceof EnvError) {
    // Names the variables, never their values (they may be secrets).
    log.error("Misconfigured: fix these variables", { variables: err.variables });
    return problem(
      c,
      new ApiError(
        503,
        "misconfigured",
        `Cannot serve: the service's configuration is missing or invalid: ${
          err.variables.join(", ")
        }`,
        { variables: err.variables },
        { "Retry-After": "60" },
      ),
    );
  }
  const dependency = unavailableDependency(err);
  if (dependency) {
    log.warn("Dependency unavailable", { dependency, err, path: c.req.path });
    return problem(c, serviceUnavailable(dependency));
  }
  if (err instanceof HTTPException) {
    if (err.status === 400 && /malformed json/i.test(err.message)) {
      return problem(
        c,
        new ApiError(400, "invalid_json", "Cannot parse the request body: malformed JSON"),
      );
    }
    if (err.status < 500) return problem(c, new ApiError(err.status, "bad_request", err.message));
  }
  log.error("Unhandled error", { err, method: c.req.method, path: c.req.path });
  return problem(c, new ApiError(500, "internal_error", "Something went wrong on our side"));
}

/**
 * Creates a service's root app with request id, Server-Timing,
 * secure headers, a 1 MiB body limit, problem+json errors, 404/405, `/health`,
 * `/ready`, `/openapi.json` and `/docs`, all under `/<service>`. The service
 * mounts its resources with `app.route("/<service>", resource)` (not
 * `basePath()`, whose OpenAPIHono copy drops the not-found handler).
 *
 * With `envSchema`, every request but `/health` first checks the env against
 * it (parsed once per env object): a missing or malformed variable is 503
 * `misconfigured` naming the variables, on `/ready` too, instead of a 500
 * from deep inside some route.
 */
export function createApp(service: string, ready: ReadyCheck, envSchema?: ZodType): App {
  const root = createRouter();
  const base = `/${service}`;
  root.use(requestId({ headerName: "X-Request-Id" }));
  // Trace, request logger and the access log wrap everything below.
  root.use(observe(service));
  root.use(timing({ crossOrigin: false }));
  root.use(serverTimingDetails());
  // Before the 405 handler, which would otherwise answer a preflight (OPTIONS).
  root.use(corsMiddleware());
  root.use(secureHeaders());
  root.use(headerLimit());
  if (envSchema) {
    root.use(async function checkEnv(c, next) {
      if (c.req.path !== `${base}/health`) parseEnv(envSchema, c.env ?? {});
      await next();
    });
  }
  root.use(methodNotAllowed({
    app: root,
    onMethodNotAllowed: (c, methods) =>
      problem(
        c,
        new ApiError(405, "method_not_allowed", `Cannot ${c.req.method} ${c.req.path}`, {}, {
          Allow: methods.join(", "),
        }),
      ),
  }));
  root.use(bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, "payload_too_large", "Cannot accept a body over 1 MiB");
    },
  }));
  root.onError(handleError);
  root.notFound((c) => problem(c, new ApiError(404, "not_found", `Cannot find ${c.req.path}`)));

  root.get(`${base}/health`, (c) => c.json({ status: "ok", service }));
  root.route(base, readinessRoutes(ready));
  root.doc31(`${base}/openapi.json`, openApiConfig(service));
  root.route("/", docsRoutes(service));
  root.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  return root;
}
