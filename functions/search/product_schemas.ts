import { EXAMPLES } from "../../shared/openapi_examples.ts";
import { z } from "@hono/zod-openapi";
import { skuSchema } from "../../shared/ids.ts";
import { storable, text } from "../../shared/text.ts";

/** A client-chosen SKU (shared/ids.ts). */
export const productIdSchema = skuSchema;

const INT4_MAX = 2_147_483_647;

// Each field once, without defaults, so that PATCH (a subset) and POST/PUT
// (defaults applied) share the same rules, which mirror the table's CHECKs.
const fields = {
  name: text().trim().min(1).max(500),
  description: text().max(20_000),
  brand: text().trim().max(200),
  // Duplicates would be counted twice by the category facet.
  categories: z.array(text().trim().min(1).max(200)).max(50)
    .transform((list) => [...new Set(list)]),
  price_cents: z.int().min(0).max(INT4_MAX),
  currency: z.literal("USD"),
  image_url: z.url({ protocol: /^https?$/ }).max(2048).refine(...storable).nullable(),
  rating: z.number().min(0).max(5).nullable(),
  popularity: z.int().min(0).max(INT4_MAX),
};

/** A full product as written by POST/PUT (unknown and derived fields are dropped). */
export const productBodySchema = z.object({
  id: productIdSchema.optional(),
  name: fields.name,
  description: fields.description.default(""),
  brand: fields.brand.default(""),
  categories: fields.categories.default([]),
  price_cents: fields.price_cents,
  currency: fields.currency.default("USD"),
  image_url: fields.image_url.optional().transform((v) => v ?? null),
  rating: fields.rating.optional().transform((v) => v ?? null),
  popularity: fields.popularity.default(0),
}).openapi("ProductInput", { example: EXAMPLES.productInput });

/** POST: the id is required in the body. */
export const productCreateSchema = productBodySchema.extend({ id: productIdSchema });

/** PATCH: any subset of the writable fields; the id never changes. */
export const productPatchSchema = z.object(fields).partial().openapi("ProductPatch");

export type ProductInput = z.infer<typeof productCreateSchema>;
export type ProductPatch = z.infer<typeof productPatchSchema>;

/** A product as every route answers it. */
export const productSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  brand: z.string(),
  categories: z.array(z.string()),
  price_cents: z.int(),
  currency: z.literal("USD"),
  image_url: z.string().optional(),
  rating: z.number().optional(),
  popularity: z.int().optional(),
  in_stock: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("Product", { example: EXAMPLES.product });

export type Product = z.infer<typeof productSchema>;
