import { jsonBody, jsonResponse, problemResponse } from "../../shared/openapi.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../shared/app.ts";
import { adminErrors, adminRoute } from "./admin_guard.ts";
import { ApiError, validationError } from "../../shared/errors.ts";
import { afterCatalogWrite } from "./catalog_writes.ts";
import { deps } from "./deps.ts";
import {
  DELETE_PRODUCT,
  GET_PRODUCT,
  INSERT_PRODUCT,
  PATCH_PRODUCT,
  UPSERT_PRODUCT,
} from "./product_sql.ts";
import {
  productBodySchema,
  productCreateSchema,
  productIdSchema,
  productPatchSchema,
  productSchema,
} from "./product_schemas.ts";

const idParam = z.object({ id: productIdSchema.openapi({ param: { name: "id", in: "path" } }) });

const notFound = (id: string) => new ApiError(404, "not_found", `Cannot find product "${id}"`);

export function productRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/products/{id}",
      operationId: "getProduct",
      tags: ["products"],
      security: [],
      summary: "One product",
      request: { params: idParam },
      responses: {
        200: jsonResponse("The product", productSchema),
        404: problemResponse("not_found"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const [row] = await deps(c).sql.query(GET_PRODUCT, [id]);
      if (!row) throw notFound(id);
      return c.json(row.product, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/products",
      operationId: "createProduct",
      tags: ["products"],
      summary: "Create a product",
      ...adminRoute(),
      request: jsonBody(productCreateSchema),
      responses: {
        201: jsonResponse("Created", productSchema),
        400: problemResponse("validation_failed"),
        ...adminErrors,
        409: problemResponse("already_exists"),
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const input = c.req.valid("json");
      const [row] = await sql.query(INSERT_PRODUCT, [JSON.stringify([input])]);
      if (!row) {
        throw new ApiError(409, "already_exists", `Cannot create product "${input.id}": it exists`);
      }
      await afterCatalogWrite(c, env);
      return c.json(row.product, 201);
    },
  );

  router.openapi(
    createRoute({
      method: "put",
      path: "/products/{id}",
      operationId: "putProduct",
      tags: ["products"],
      summary: "Create or replace a product",
      ...adminRoute(),
      request: { params: idParam, ...jsonBody(productBodySchema) },
      responses: {
        200: jsonResponse("Replaced", productSchema),
        201: jsonResponse("Created", productSchema),
        400: problemResponse("validation_failed"),
        ...adminErrors,
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const { id } = c.req.valid("param");
      const input = c.req.valid("json");
      if (input.id !== undefined && input.id !== id) {
        throw validationError([{ path: "id", message: `Must match the id in the path ("${id}")` }]);
      }
      const [row] = await sql.query(UPSERT_PRODUCT, [JSON.stringify([{ ...input, id }])]);
      await afterCatalogWrite(c, env);
      return row.created ? c.json(row.product, 201) : c.json(row.product, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "patch",
      path: "/products/{id}",
      operationId: "patchProduct",
      tags: ["products"],
      summary: "Change some fields of a product",
      ...adminRoute(),
      request: { params: idParam, ...jsonBody(productPatchSchema) },
      responses: {
        200: jsonResponse("Updated", productSchema),
        400: problemResponse("validation_failed"),
        ...adminErrors,
        404: problemResponse("not_found"),
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const { id } = c.req.valid("param");
      const [row] = await sql.query(PATCH_PRODUCT, [
        id,
        JSON.stringify(c.req.valid("json")),
      ]);
      if (!row) throw notFound(id);
      await afterCatalogWrite(c, env);
      return c.json(row.product, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "delete",
      path: "/products/{id}",
      operationId: "deleteProduct",
      tags: ["products"],
      summary: "Delete a product",
      ...adminRoute(),
      request: { params: idParam },
      responses: {
        204: { description: "Deleted" },
        ...adminErrors,
        404: problemResponse("not_found"),
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const { id } = c.req.valid("param");
      const [row] = await sql.query(DELETE_PRODUCT, [id]);
      if (!row) throw notFound(id);
      await afterCatalogWrite(c, env);
      return c.body(null, 204);
    },
  );

  return router;
}
