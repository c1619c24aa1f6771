/** Helpers for the auth service's own tests (real Postgres and Redis via the bridges). */
import assert from "node:assert/strict";
import { serviceEnv } from "../../tests/config.ts";
import { authTestEnv } from "../../tests/auth_helpers.ts";
import { createAuthApp } from "./app.ts";

/** A fresh app and env (own Redis prefix); `extra` overrides variables. */
export function setup(extra: Record<string, string> = {}) {
  // Deadlines for a loaded CI machine: at the 500 ms default a slow (not
  // down) Redis sends the rate limiter to its per-isolate fallback mid-test,
  // whose counts start again. Tests of the fallback and deadlines pass their own.
  const env = serviceEnv("auth", {
    ...authTestEnv(),
    DB_TIMEOUT_MS: "10000",
    REDIS_TIMEOUT_MS: "10000",
    ...extra,
  });
  return { app: createAuthApp(), env };
}

type App = ReturnType<typeof createAuthApp>;

/** A unique email per call, so tests never collide on the unique index. */
export const uniqueEmail = (tag = "user") =>
  `${tag}-${crypto.randomUUID().slice(0, 12)}@example.com`;

/** POSTs JSON; `headers` are added. */
export function postJson(
  app: App,
  env: object,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return app.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  }, env);
}

/** What signup and login answer. */
export interface Pair {
  user: { id: string; email: string; name: string | null; role: string; created_at: string };
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

/** Signs up a new account and returns the pair and its password. */
export async function signup(
  app: App,
  env: object,
  email = uniqueEmail(),
  password = "correct horse battery",
) {
  const res = await postJson(app, env, "/auth/signup", { email, password });
  assert.equal(res.status, 201, await res.clone().text());
  return { ...(await res.json() as Pair), password };
}

/** Logs in and returns the pair. */
export async function login(app: App, env: object, email: string, password: string, headers = {}) {
  const res = await postJson(app, env, "/auth/login", { email, password }, headers);
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json() as Pair;
}

/** `GET` with a Bearer token. */
export const getWith = (app: App, env: object, path: string, token: string) =>
  app.request(path, { headers: { Authorization: `Bearer ${token}` } }, env);

/** Asserts a problem+json answer and returns its body. */
export async function assertProblem(res: Response, status: number, code: string) {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.equal(res.headers.get("Content-Type"), "application/problem+json");
  const body = JSON.parse(text);
  assert.equal(body.code, code);
  return body;
}
