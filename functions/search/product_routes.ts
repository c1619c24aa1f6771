import { problemResponse } from "../../shared/openapi.ts";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createRouter } from "../../shared/app.ts";
import { requireRole } from "../../shared/auth.ts";
import { sqlClient } from "../../shared/db.ts";
import { parseEnv } from "../../shared/env.ts";
import { ApiError, validationError } from "../../shared/errors.ts";
import { afterCatalogWrite } from "./catalog_writes.ts";
import { searchEnvSchema } from "./env.ts";
import {
  DELETE_PRODUCT,
  GET_PRODUCT,
  INSERT_PRODUCT,
  PATCH_PRODUCT,
  UPSERT_PRODUCT,
} from "./product_sql.ts";
import {
  jsonResponse,
  productBodySchema,
  productCreateSchema,
  productIdSchema,
  productPatchSchema,
  productSchema,
} from "./product_schemas.ts";

const idParam = z.object({ id: productIdSchema.openapi({ param: { name: "id", in: "path" } }) });
const json = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
const admin = {
  middleware: requireRole("admin"),
  security: [{ bearer: [] }],
};
const authErrors = {
  401: problemResponse("unauthorized"),
  403: problemResponse("forbidden: the admin role is needed"),
};

const notFound = (id: string) => new ApiError(404, "not_found", `Cannot find product "${id}"`);
const env = (c: Context) => parseEnv(searchEnvSchema, c.env as object);

export const productRoutes = createRouter();

productRoutes.openapi(
  createRoute({
    method: "get",
    path: "/products/{id}",
    summary: "One product",
    request: { params: idParam },
    responses: {
      200: jsonResponse("The product", productSchema),
      404: problemResponse("not_found"),
    },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const [row] = await sqlClient(env(c)).query(GET_PRODUCT, [id]);
    if (!row) throw notFound(id);
    return c.json(row.product, 200);
  },
);

productRoutes.openapi(
  createRoute({
    method: "post",
    path: "/products",
    summary: "Create a product",
    ...admin,
    request: json(productCreateSchema),
    responses: {
      201: jsonResponse("Created", productSchema),
      400: problemResponse("validation_failed"),
      ...authErrors,
      409: problemResponse("already_exists"),
    },
  }),
  async (c) => {
    const e = env(c);
    const input = c.req.valid("json");
    const [row] = await sqlClient(e).query(INSERT_PRODUCT, [JSON.stringify([input])]);
    if (!row) {
      throw new ApiError(409, "already_exists", `Cannot create product "${input.id}": it exists`);
    }
    await afterCatalogWrite(c, e);
    return c.json(row.product, 201);
  },
);

productRoutes.openapi(
  createRoute({
    method: "put",
    path: "/products/{id}",
    summary: "Create or replace a product",
    ...admin,
    request: { params: idParam, ...json(productBodySchema) },
    responses: {
      200: jsonResponse("Replaced", productSchema),
      201: jsonResponse("Created", productSchema),
      400: problemResponse("validation_failed"),
      ...authErrors,
    },
  }),
  async (c) => {
    const e = env(c);
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    if (input.id !== undefined && input.id !== id) {
      throw validationError([{ path: "id", message: `Must match the id in the path ("${id}")` }]);
    }
    const [row] = await sqlClient(e).query(UPSERT_PRODUCT, [JSON.stringify([{ ...input, id }])]);
    await afterCatalogWrite(c, e);
    return row.created ? c.json(row.product, 201) : c.json(row.product, 200);
  },
);

productRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/products/{id}",
    summary: "Change some fields of a product",
    ...admin,
    request: { params: idParam, ...json(productPatchSchema) },
    responses: {
      200: jsonResponse("Updated", productSchema),
      400: problemResponse("validation_failed"),
      ...authErrors,
      404: problemResponse("not_found"),
    },
  }),
  async (c) => {
    const e = env(c);
    const { id } = c.req.valid("param");
    const [row] = await sqlClient(e).query(PATCH_PRODUCT, [
      id,
      JSON.stringify(c.req.valid("json")),
    ]);
    if (!row) throw notFound(id);
    await afterCatalogWrite(c, e);
    return c.json(row.product, 200);
  },
);

productRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/products/{id}",
    summary: "Delete a product",
    ...admin,
    request: { params: idParam },
    responses: {
      204: { description: "Deleted" },
      ...authErrors,
      404: problemResponse("not_found"),
    },
  }),
  async (c) => {
    const e = env(c);
    const { id } = c.req.valid("param");
    const [row] = await sqlClient(e).query(DELETE_PRODUCT, [id]);
    if (!row) throw notFound(id);
    await afterCatalogWrite(c, e);
    return c.body(null, 204);
  },
);
