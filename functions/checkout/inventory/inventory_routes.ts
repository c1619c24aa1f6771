import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../../shared/app.ts";
import { requireRole } from "../../../shared/auth.ts";
import { ApiError } from "../../../shared/errors.ts";
import { deps } from "../deps.ts";
import { liveSession } from "../live_session.ts";
import { authErrors } from "../problem_schema.ts";
import {
  bearerSecurity,
  jsonBody,
  jsonResponse,
  problemResponse,
} from "../../../shared/openapi.ts";
import { productIdParam } from "../cart/cart_schemas.ts";
import { announceStockFlip, crossesZero } from "../stock_signal.ts";
import { inventorySchema, onHandBody } from "./inventory_schemas.ts";
import { getInventory, setOnHand } from "./inventory_sql.ts";

const common = {
  tags: ["inventory"],
  security: bearerSecurity,
  middleware: [requireRole("admin"), liveSession],
};
const ok = jsonResponse("Stock of the product", inventorySchema);
const forbidden = { 403: problemResponse("Not an admin") };

/** `/inventory/:product_id`: admin view and control of stock. */
export function inventoryRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: "/inventory/{product_id}",
      operationId: "getInventory",
      summary: "Stock of one product (admin)",
      request: { params: productIdParam },
      responses: {
        200: ok,
        404: problemResponse("No inventory row for the product"),
        ...authErrors,
        ...forbidden,
      },
    }),
    async (c) => {
      const { product_id } = c.req.valid("param");
      const row = await getInventory(deps(c).sql, product_id);
      if (!row) {
        throw new ApiError(404, "not_found", `Cannot find inventory for product "${product_id}"`);
      }
      return c.json(row, 200);
    },
  );

  router.openapi(
    createRoute({
      ...common,
      method: "put",
      path: "/inventory/{product_id}",
      operationId: "setInventory",
      summary: "Set the stock on hand of one product (admin)",
      request: { params: productIdParam, ...jsonBody(onHandBody) },
      responses: {
        200: ok,
        400: problemResponse("Invalid on_hand"),
        404: problemResponse("No such product in the catalog (`product_not_found`)"),
        409: problemResponse(
          "on_hand below what pending orders reserved (`on_hand_below_reserved`)",
        ),
        ...authErrors,
        ...forbidden,
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const { product_id } = c.req.valid("param");
      const { on_hand } = c.req.valid("json");
      const result = await setOnHand(sql, product_id, on_hand);
      if (result.kind === "not_in_catalog") {
        throw new ApiError(
          404,
          "product_not_found",
          `Cannot find product "${product_id}" in the catalog`,
        );
      }
      if (result.kind === "below_reserved") {
        // 409, not 400: the request is well formed; it conflicts with the
        // current state (units held by pending orders) and may succeed later.
        throw new ApiError(
          409,
          "on_hand_below_reserved",
          `Cannot set on_hand to ${on_hand}: ${result.reserved} units are reserved by pending orders`,
          { reserved: result.reserved },
        );
      }
      announceStockFlip(c, env, crossesZero(result.availableBefore, result.inventory.available));
      return c.json(result.inventory, 200);
    },
  );

  return router;
}
