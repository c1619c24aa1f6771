import { jsonResponse, problemResponse } from "../../shared/openapi.ts";
import { createRoute, type z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import { endTime, setMetric, startTime } from "hono/timing";
import { createRouter } from "../../shared/app.ts";
import { cacheLookup, type CacheOutcome, cacheRef, cacheStore } from "./cache.ts";
import { decodeCursor } from "./cursor.ts";
import { deps } from "./deps.ts";
import { normaliseSearch, normaliseText } from "./normalise.ts";
import { runSearch } from "./search_service.ts";
import {
  searchQuerySchema,
  searchResultSchema,
  suggestQuerySchema,
  suggestResultSchema,
} from "./search_schemas.ts";
import { runSuggest } from "./suggest_service.ts";

const searchRoute = createRoute({
  method: "get",
  path: "/products",
  operationId: "searchProducts",
  tags: ["search"],
  security: [],
  summary: "Search the catalog",
  description:
    "Typo-tolerant full-text search with filters, disjunctive facets, sorting and keyset pagination.",
  request: { query: searchQuerySchema },
  responses: {
    200: jsonResponse("Hits, facets and the exact total", searchResultSchema),
    400: problemResponse("validation_failed or invalid_cursor"),
  },
});

const suggestRoute = createRoute({
  method: "get",
  path: "/suggest",
  operationId: "suggest",
  tags: ["search"],
  security: [],
  summary: "Prefix completions from product names, brands and categories",
  request: { query: suggestQuerySchema },
  responses: {
    200: jsonResponse("Suggestions", suggestResultSchema),
    400: problemResponse("validation_failed"),
  },
});

function reportCache(c: Context, outcome: CacheOutcome) {
  setMetric(c, "cache", outcome.status);
}

// The body is already JSON (text, or the cache's bytes): no parse, no re-serialisation.
// The type says what the text holds: the schema the route documents.
function json<T>(
  c: Context,
  body: string | Uint8Array<ArrayBuffer>,
): TypedResponse<T, 200, "json"> {
  return c.body(body, 200, {
    "Content-Type": "application/json; charset=utf-8",
  }) as unknown as TypedResponse<
    T,
    200,
    "json"
  >;
}

/** `bytes` without its last byte, then `tail` (ASCII): a cached body with its took_ms. */
function appendAscii(bytes: Uint8Array, tail: string): Uint8Array<ArrayBuffer> {
  const end = bytes.length - 1;
  const out = new Uint8Array(end + tail.length);
  out.set(bytes.subarray(0, end));
  for (let i = 0; i < tail.length; i++) out[end + i] = tail.charCodeAt(i);
  return out;
}

type SearchResult = z.infer<typeof searchResultSchema>;
type SuggestResult = z.infer<typeof suggestResultSchema>;

export function searchRoutes() {
  const router = createRouter();

  router.openapi(searchRoute, async (c) => {
    const started = performance.now();
    const { env } = deps(c);
    const n = normaliseSearch(c.req.valid("query"));
    const cursor = c.req.valid("query").cursor;
    const after = cursor ? await decodeCursor(env.SEARCH_CURSOR_SECRET, n.canonical, cursor) : null;

    const ref = await cacheRef(env.REDIS_PREFIX, "products", n.cacheKey);
    startTime(c, "redis");
    const cached = await cacheLookup(env, ref);
    endTime(c, "redis");
    reportCache(c, cached);
    // Bodies end with "}" and lack took_ms, which is this request's own.
    const took = () => `,"took_ms":${Math.round(performance.now() - started)}}`;
    const withTook = (body: string) => body.slice(0, -1) + took();
    if (cached.status === "hit") return json<SearchResult>(c, appendAscii(cached.body, took()));

    startTime(c, "db");
    const body = JSON.stringify(await runSearch(env, n, after));
    endTime(c, "db");
    if (cached.status === "miss") {
      cacheStore(c, ref, cached.version, body, env.SEARCH_CACHE_TTL_SECONDS);
    }
    return json<SearchResult>(c, withTook(body));
  });

  router.openapi(suggestRoute, async (c) => {
    const { env } = deps(c);
    const { q, limit } = c.req.valid("query");
    const normalised = normaliseText(q);
    const ref = await cacheRef(
      env.REDIS_PREFIX,
      "suggest",
      JSON.stringify([normalised, limit]),
    );
    const cached = await cacheLookup(env, ref);
    reportCache(c, cached);
    if (cached.status === "hit") return json<SuggestResult>(c, cached.body);
    startTime(c, "db");
    const body = JSON.stringify({ suggestions: await runSuggest(env, normalised, limit) });
    endTime(c, "db");
    if (cached.status === "miss") {
      cacheStore(c, ref, cached.version, body, env.SEARCH_CACHE_TTL_SECONDS);
    }
    return json<SuggestResult>(c, body);
  });

  return router;
}
