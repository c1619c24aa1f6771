/**
 * What the search tests share: an env for the app, admin tokens, a
 * superuser connection for setup/cleanup (inventory belongs to checkout, so
 * tests write it directly), and a fetch wrapper that counts round trips.
 */
// @ts-types="@types/pg"
import pg from "pg";
import { serviceEnv, testDatabaseUrl, testExecutionContext } from "../../tests/config.ts";
import { authTestEnv, bearer, issueTestToken } from "../../tests/auth_helpers.ts";
import type { Role } from "../../shared/jwt.ts";
import { createSearchApp } from "./app.ts";

/** A random lowercase token: ids, categories and words unique to one test run. */
export const runToken = (n = 6) =>
  Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String.fromCharCode(97 + (b % 26)))
    .join("");

/** The search app and an env object for it (reuse both across requests). */
export function searchTestSetup(extra: Record<string, string> = {}) {
  const env = serviceEnv("search", {
    ...authTestEnv(),
    SEARCH_CURSOR_SECRET: `test-secret-${crypto.randomUUID()}`,
    ...extra,
  });
  const app = createSearchApp();
  const { ctx, settle } = testExecutionContext();
  const request = async (path: string, init: RequestInit = {}) =>
    await app.request(path, init, env, ctx);
  return { app, env, request, settle };
}

/** Headers with an access token for `role`. */
export async function authHeaders(
  role: Role = "admin",
): Promise<Record<string, string>> {
  const token = await issueTestToken({ sub: crypto.randomUUID(), role });
  return { ...bearer(token), "Content-Type": "application/json" };
}

/** Runs `fn` with a superuser client on the tests' database. */
export async function withOwner<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Deletes this run's products and inventory rows (ids start with `prefix`). */
export function cleanup(prefix: string): Promise<void> {
  return withOwner(async (db) => {
    await db.query("DELETE FROM checkout.inventory WHERE product_id LIKE $1", [`${prefix}%`]);
    await db.query("DELETE FROM catalog.products WHERE id LIKE $1", [`${prefix}%`]);
  });
}
