import { z } from "@hono/zod-openapi";
import { text } from "../../shared/text.ts";
import { productSchema } from "./product_schemas.ts";

export const SORTS = ["relevance", "price_asc", "price_desc", "newest", "popularity"] as const;
export type Sort = (typeof SORTS)[number];

// A repeatable parameter arrives as a string once and as an array when repeated.
const repeatable = (name: string) =>
  z.union([text().min(1).max(200), z.array(text().min(1).max(200)).max(50)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .openapi({ param: { name, in: "query", style: "form", explode: true } });

const cents = z.coerce.number().int().min(0).max(2_147_483_647).optional();

/** GET /search/products query parameters. */
export const searchQuerySchema = z.object({
  q: text().max(200).optional(),
  category: repeatable("category"),
  brand: repeatable("brand"),
  min_price: cents,
  max_price: cents,
  in_stock: z.enum(["true", "false"]).optional().transform((v) =>
    v === undefined ? undefined : v === "true"
  ),
  sort: z.enum(SORTS).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: text().min(1).max(1000).optional(),
}).refine(
  (p) => p.min_price === undefined || p.max_price === undefined || p.min_price <= p.max_price,
  {
    path: ["max_price"],
    message: "Must be at least min_price",
  },
);

export type SearchQuery = z.infer<typeof searchQuerySchema>;

const facetValue = z.object({ value: z.string(), count: z.int() });

/** GET /search/products response. */
export const searchResultSchema = z.object({
  hits: z.array(productSchema.extend({
    highlight: z.object({ name: z.string().optional(), description: z.string().optional() })
      .optional(),
  })),
  facets: z.object({
    category: z.array(facetValue),
    brand: z.array(facetValue),
    price: z.object({ min: z.int().nullable(), max: z.int().nullable() }),
  }),
  total: z.int(),
  total_exact: z.boolean().openapi({
    description: "false when `total` is a lower bound: above 10,000 matches, counted over a sample",
  }),
  corrected_query: z.string().optional().openapi({
    description: "Set when a word the catalog lacks was matched through its typo correction: " +
      'the query as corrected (folded, lower case), for a "did you mean" line',
    example: "samsung galaxy",
  }),
  next_cursor: z.string().nullable(),
  took_ms: z.number(),
}).openapi("SearchResult");

/** GET /search/suggest query parameters. */
export const suggestQuerySchema = z.object({
  q: text().min(1).max(100),
  limit: z.coerce.number().int().min(1).max(20).default(8),
});

export const suggestResultSchema = z.object({
  suggestions: z.array(
    z.object({ text: z.string(), kind: z.enum(["product", "brand", "category"]) }),
  ),
}).openapi("Suggestions");
