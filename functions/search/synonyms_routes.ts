import { problemResponse } from "../../shared/openapi.ts";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createRouter } from "../../shared/app.ts";
import { requireRole } from "../../shared/auth.ts";
import { sqlClient } from "../../shared/db.ts";
import { parseEnv } from "../../shared/env.ts";
import { redisClient } from "../../shared/redis.ts";
import { cacheLookup, cacheRef, cacheStore } from "./cache.ts";
import { afterCatalogWrite } from "./catalog_writes.ts";
import { searchEnvSchema } from "./env.ts";
import { jsonResponse } from "./product_schemas.ts";
import { synonymSetSchema } from "./synonyms_schemas.ts";

/**
 * GET/PUT /search/synonyms. Synonyms are applied by the search statement
 * itself (catalog.synonym_terms, see query_sql.ts), so a PUT is visible to
 * the next search: it bumps the catalog version like a product write, which
 * also retires every cached search and the cached set.
 */
export const synonymsRoutes = createRouter();

const env = (c: Context) => parseEnv(searchEnvSchema, c.env as object);
const GET_SYNONYMS = "SELECT catalog.synonyms_json() AS result";
const REPLACE_SYNONYMS = "SELECT catalog.replace_synonyms($1::jsonb) AS result";

synonymsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/synonyms",
    summary: "The synonym set",
    responses: { 200: jsonResponse("Every group, in the order given", synonymSetSchema) },
  }),
  async (c) => {
    const e = env(c);
    const ref = await cacheRef(redisClient(e, { retries: 0 }), e.REDIS_PREFIX, "synonyms", "");
    const cached = await cacheLookup(ref, e.SEARCH_REDIS_TIMEOUT_MS);
    // The stored text is served as is: no parse, no re-serialisation.
    const headers = { "Content-Type": "application/json; charset=utf-8" };
    if (cached.status === "hit") return c.body(cached.body, 200, headers) as never;
    const [row] = await sqlClient(e).query(GET_SYNONYMS);
    const body = JSON.stringify(row.result);
    if (cached.status === "miss") {
      cacheStore(c, ref, cached.version, body, e.SEARCH_CACHE_TTL_SECONDS);
    }
    return c.body(body, 200, headers) as never;
  },
);

synonymsRoutes.openapi(
  createRoute({
    method: "put",
    path: "/synonyms",
    summary: "Replace the synonym set",
    middleware: requireRole("admin"),
    security: [{ bearer: [] }],
    request: {
      body: { content: { "application/json": { schema: synonymSetSchema } }, required: true },
    },
    responses: {
      200: jsonResponse("The stored set", synonymSetSchema),
      400: problemResponse("validation_failed"),
      401: problemResponse("unauthorized"),
      403: problemResponse("forbidden: the admin role is needed"),
      413: problemResponse("payload_too_large"),
    },
  }),
  async (c) => {
    const e = env(c);
    const { synonyms } = c.req.valid("json");
    const [row] = await sqlClient(e).query(REPLACE_SYNONYMS, [JSON.stringify(synonyms)]);
    await afterCatalogWrite(c, e);
    return c.json(row.result, 200);
  },
);
