import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../../shared/app.ts";
import { requireRole, requireUser } from "../../../shared/auth.ts";
import { ApiError } from "../../../shared/errors.ts";
import { clients, defaultProvider, deps, type ProviderFactory } from "../deps.ts";
import { authErrors } from "../problem_schema.ts";
import {
  bearerSecurity,
  jsonBody,
  jsonResponse,
  problemResponse,
} from "../../../shared/openapi.ts";
import { liveSession } from "../live_session.ts";
import { announceStockFlip } from "../stock_signal.ts";
import { cancelOrder } from "./cancel.ts";
import type { Order } from "./order_json.ts";
import { placeOrder } from "./place.ts";
import { decodeCursor, getOrder, listOrders } from "./read_sql.ts";
import {
  checkPaymentMethod,
  idempotencyKeyParameter,
  listQuery,
  orderIdParam,
  orderSchema,
  placeOrderBody,
} from "./orders_schemas.ts";
import { SWEEP_DB_TIMEOUT_MS, sweepAbandoned } from "./sweep.ts";
import { sqlClient } from "../../../shared/db.ts";

const common = {
  tags: ["orders"],
  security: bearerSecurity,
  middleware: [requireUser(), liveSession],
};
const orderJson = (description: string) => jsonResponse(description, orderSchema);
const notFound = { 404: problemResponse("No such order (or not yours)") };

/** `/orders`: placing (idempotent), reading and canceling orders, and the sweep. */
export function ordersRoutes(provider: ProviderFactory = defaultProvider) {
  const router = createRouter();

  router.openapi(
    createRoute({
      ...common,
      // The session check rides with the cart read (place.ts).
      middleware: requireUser(),
      method: "post",
      path: "/orders",
      operationId: "placeOrder",
      summary: "Place an order from the cart (idempotent)",
      parameters: [idempotencyKeyParameter],
      request: jsonBody(placeOrderBody),
      responses: {
        201: {
          ...orderJson("The order, paid; the cart is emptied"),
          headers: {
            "Idempotent-Replayed": {
              description:
                "`true` when this is the stored answer to an earlier request with the key",
              schema: { type: "string", enum: ["true"] },
            },
          },
        },
        400: problemResponse("`idempotency_key_required` or `validation_failed`"),
        402: problemResponse(
          "`payment_declined` with `decline_code` and `order_id`; stock released",
        ),
        409: problemResponse("`insufficient_stock` with `items`, or `idempotency_key_in_use`"),
        422: problemResponse("`cart_empty` or `idempotency_key_reused`"),
        502: problemResponse("`payment_provider_unavailable`: retry with the same key"),
        ...authErrors,
      },
    }),
    async (c) => {
      const key = c.req.header("Idempotency-Key");
      if (key === undefined || key.length < 1 || key.length > 255) {
        throw new ApiError(
          400,
          "idempotency_key_required",
          "An Idempotency-Key header of 1-255 characters is required",
        );
      }
      const { env, sql, redis, deadlines } = deps(c);
      const body = c.req.valid("json");
      checkPaymentMethod(env.PAYMENT_PROVIDER, body.payment_method);
      const answer = await placeOrder({
        c,
        env,
        sql,
        redis,
        deadlines,
        afterCharge: () => clients(env),
        provider: provider(env),
        userId: c.get("user").id,
        key,
        body,
      });
      // The stored bytes are the answer, first time and on every replay.
      const type = answer.status >= 400 ? "application/problem+json" : "application/json";
      return c.json(answer.body as unknown as Order, answer.status as 201, {
        "Content-Type": type,
        ...(answer.replayed ? { "Idempotent-Replayed": "true" } : {}),
      });
    },
  );

  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: "/orders",
      operationId: "listOrders",
      summary: "The user's orders, newest first",
      request: { query: listQuery },
      responses: {
        200: jsonResponse(
          "Own orders (or, for an admin with `scope=all`, everyone's), newest first",
          z.object({
            orders: z.array(orderSchema),
            next_cursor: z.string().nullable(),
          }),
        ),
        400: problemResponse("`validation_failed` or `invalid_cursor`"),
        403: problemResponse("`scope=all` without the admin role"),
        ...authErrors,
      },
    }),
    async (c) => {
      const { limit, cursor, scope } = c.req.valid("query");
      if (scope === "all" && c.get("user").role !== "admin") {
        throw new ApiError(403, "forbidden", "Only admins may list every customer's orders");
      }
      const after = cursor === undefined ? null : decodeCursor(cursor);
      if (cursor !== undefined && after === null) {
        throw new ApiError(
          400,
          "invalid_cursor",
          "Cannot read the cursor: pass back a next_cursor as given",
        );
      }
      const owner = scope === "all" ? null : c.get("user").id;
      return c.json(await listOrders(deps(c).sql, owner, limit, after), 200);
    },
  );

  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: "/orders/{id}",
      operationId: "getOrder",
      summary: "One order",
      request: { params: orderIdParam },
      responses: { 200: orderJson("The order"), ...notFound, ...authErrors },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const user = c.get("user");
      const order = await getOrder(deps(c).sql, id, user.id, user.role === "admin");
      if (!order) throw new ApiError(404, "not_found", `Cannot find order "${id}"`);
      return c.json(order, 200);
    },
  );

  router.openapi(
    createRoute({
      ...common,
      method: "post",
      path: "/orders/{id}/cancel",
      operationId: "cancelOrder",
      summary: "Cancel a paid order: refund and restock",
      request: { params: orderIdParam },
      responses: {
        200: orderJson("The order, canceled; payment refunded, stock returned"),
        ...notFound,
        409: problemResponse("`invalid_state`: only paid orders can be canceled"),
        ...authErrors,
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      const user = c.get("user");
      const { order, flipped } = await cancelOrder(
        sql,
        provider(env),
        { id: c.req.valid("param").id, userId: user.id, isAdmin: user.role === "admin" },
        () => clients(env).sql,
      );
      announceStockFlip(c, env, flipped);
      return c.json(order, 200);
    },
  );

  router.openapi(
    createRoute({
      tags: ["orders"],
      security: bearerSecurity,
      middleware: [requireRole("admin"), liveSession],
      method: "post",
      path: "/sweep",
      operationId: "sweepOrders",
      summary: "Settle abandoned pending orders (admin)",
      description:
        "Resolves abandoned pending orders and prunes old idempotency keys (cron runs the same function)",
      responses: {
        200: jsonResponse(
          "What the sweep did",
          z.object({
            paid: z.int(),
            released: z.int(),
            skipped: z.int(),
            pruned: z.int(),
            flipped: z.boolean(),
          }),
        ),
        ...authErrors,
        403: problemResponse("Not an admin"),
      },
    }),
    async (c) => {
      const { env } = deps(c);
      const sql = sqlClient(env, AbortSignal.timeout(SWEEP_DB_TIMEOUT_MS));
      const result = await sweepAbandoned(sql, provider(env), env);
      announceStockFlip(c, env, result.flipped);
      return c.json(result, 200);
    },
  );

  return router;
}
