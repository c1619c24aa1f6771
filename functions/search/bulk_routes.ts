import { jsonBody, jsonResponse, problemResponse } from "../../shared/openapi.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../shared/app.ts";
import { adminErrors, adminRoute } from "./admin_guard.ts";
import { validateBatch } from "./bulk.ts";
import { afterCatalogWrite } from "./catalog_writes.ts";
import { deps } from "./deps.ts";
import { BULK_UPSERT } from "./product_sql.ts";

export const MAX_BULK = 1000;

const bulkResultSchema = z.object({
  created: z.int(),
  updated: z.int(),
  errors: z.array(
    z.object({ index: z.int(), id: z.string().optional(), code: z.string(), message: z.string() }),
  ),
}).openapi("BulkResult");

export function bulkRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "post",
      path: "/products/bulk",
      operationId: "bulkUpsertProducts",
      tags: ["products"],
      summary: "Create or replace up to 1000 products",
      description:
        "Each item is validated on its own; valid items are written even when others fail.",
      ...adminRoute(),
      // Items stay unknown here: each is validated alone so one bad item does not fail the batch.
      request: jsonBody(z.object({ products: z.array(z.unknown()).min(1).max(MAX_BULK) })),
      responses: {
        200: jsonResponse("What was written and what was rejected", bulkResultSchema),
        400: problemResponse("validation_failed"),
        ...adminErrors,
        413: problemResponse("payload_too_large"),
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const { valid, errors } = validateBatch(c.req.valid("json").products);
      let created = 0;
      let updated = 0;
      if (valid.length) {
        // One round trip for the whole batch.
        const [row] = await sql.query(BULK_UPSERT, [JSON.stringify(valid)]);
        created = row.created;
        updated = row.updated;
        await afterCatalogWrite(c, env);
      }
      return c.json({ created, updated, errors }, 200);
    },
  );

  return router;
}
