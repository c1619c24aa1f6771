import type { Context } from "hono";
import { STATUS_TEXT } from "./status_text.ts";

/** One entry of a validation failure: where and what. */
export interface FieldError {
  path: string;
  message: string;
}

/** The one error class every service throws; `onError` renders it as problem+json. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? STATUS_TEXT[status] ?? "Error");
    this.name = "ApiError";
  }
}

/** 400 `validation_failed` with the failing fields. */
export function validationError(errors: FieldError[]): ApiError {
  const detail = errors.length === 1
    ? `Invalid "${errors[0].path}": ${errors[0].message}`
    : `${errors.length} fields are invalid`;
  return new ApiError(400, "validation_failed", detail, { errors });
}

/** Turns zod issues into `errors[]`, paths joined with dots (`shipping_address.city`). */
export function zodIssuesToErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldError[] {
  return issues.map((i) => ({
    path: i.path.map(String).join(".") || "body",
    message: i.message,
  }));
}

/** 401 with the `WWW-Authenticate` challenge docs/api.md requires. */
export function unauthorized(detail = "A valid access token is required", code = "unauthorized") {
  const error = code === "unauthorized" ? "invalid_token" : code;
  return new ApiError(401, code, detail, {}, {
    "WWW-Authenticate": `Bearer error="${error}"`,
  });
}

/** Members every problem owns: an extra member by one of these names is a bug, never rendered. */
export const RESERVED_PROBLEM_MEMBERS = [
  "type",
  "title",
  "status",
  "detail",
  "instance",
  "code",
] as const;

/**
 * The RFC 9457 body for an error. Extra members come first and the standard
 * ones after, so an extra `status` (say, an order's) can never replace the
 * numeric HTTP status; `errors` is ours too but only `validationError` sets it.
 */
export function problemBody(err: ApiError, instance?: string): Record<string, unknown> {
  const extra = { ...err.extra };
  for (const name of RESERVED_PROBLEM_MEMBERS) delete extra[name];
  return {
    ...extra,
    type: "about:blank",
    title: STATUS_TEXT[err.status] ?? "Error",
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(instance ? { instance } : {}),
  };
}

/** Renders an `ApiError` as an `application/problem+json` response. */
export function problem(c: Context, err: ApiError): Response {
  const headers = new Headers(err.headers);
  headers.set("Content-Type", "application/problem+json");
  return c.body(
    JSON.stringify(problemBody(err, c.req.path)),
    err.status as 400,
    Object.fromEntries(headers),
  );
}
