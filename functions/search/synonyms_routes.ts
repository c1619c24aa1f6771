import { jsonBody, jsonResponse, problemResponse } from "../../shared/openapi.ts";
import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../shared/app.ts";
import { adminErrors, adminRoute } from "./admin_guard.ts";
import { cacheLookup, cacheRef, cacheStore } from "./cache.ts";
import { afterCatalogWrite } from "./catalog_writes.ts";
import { deps } from "./deps.ts";
import { synonymSetSchema } from "./synonyms_schemas.ts";

/**
 * GET/PUT /search/synonyms. Synonyms are applied by the search statement
 * itself (catalog.synonym_terms, see catalog.analyse_query in migration 0204), so a PUT is visible to
 * the next search: it bumps the catalog version like a product write, which
 * also retires every cached search and the cached set.
 */
const GET_SYNONYMS = "SELECT catalog.synonyms_json() AS result";
const REPLACE_SYNONYMS = "SELECT catalog.replace_synonyms($1::jsonb) AS result";
const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };

export function synonymsRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/synonyms",
      operationId: "getSynonyms",
      tags: ["synonyms"],
      security: [],
      summary: "The synonym set",
      responses: { 200: jsonResponse("Every group, in the order given", synonymSetSchema) },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const ref = await cacheRef(env.REDIS_PREFIX, "synonyms", "");
      const cached = await cacheLookup(env, ref);
      // The stored text is served as is: no parse, no re-serialisation.
      if (cached.status === "hit") return c.body(cached.body, 200, JSON_TYPE) as never;
      const [row] = await sql.query(GET_SYNONYMS);
      const body = JSON.stringify(row.result);
      if (cached.status === "miss") {
        cacheStore(c, ref, cached.version, body, env.SEARCH_CACHE_TTL_SECONDS);
      }
      return c.body(body, 200, JSON_TYPE) as never;
    },
  );

  router.openapi(
    createRoute({
      method: "put",
      path: "/synonyms",
      operationId: "replaceSynonyms",
      tags: ["synonyms"],
      summary: "Replace the synonym set (at most 10,000 groups)",
      ...adminRoute(),
      request: jsonBody(synonymSetSchema),
      responses: {
        200: jsonResponse("The stored set", synonymSetSchema),
        400: problemResponse("validation_failed"),
        ...adminErrors,
        413: problemResponse("payload_too_large"),
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const { synonyms } = c.req.valid("json");
      const [row] = await sql.query(REPLACE_SYNONYMS, [JSON.stringify(synonyms)]);
      await afterCatalogWrite(c, env);
      return c.json(row.result, 200);
    },
  );

  return router;
}
