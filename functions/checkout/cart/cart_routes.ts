import { createRoute, z } from "@hono/zod-openapi";
import { text } from "../../../shared/text.ts";
import { createRouter } from "../../../shared/app.ts";
import { requireUser } from "../../../shared/auth.ts";
import { ApiError } from "../../../shared/errors.ts";
import { callerRevokedKey, refuseRevoked } from "../../../shared/revocation.ts";
import { deps } from "../deps.ts";
import { liveSession } from "../live_session.ts";
import { authErrors } from "../problem_schema.ts";
import {
  bearerSecurity,
  jsonBody,
  jsonResponse,
  problemResponse,
} from "../../../shared/openapi.ts";
import { cartSchema, productIdParam, quantityBody } from "./cart_schemas.ts";
import { cartKey, clearCart, readCartAndRevocation, writeLine } from "./store.ts";
import { buildCart, fetchPrices, priceCart } from "./view.ts";

const cartOk = { 200: jsonResponse("The cart", cartSchema) };
const common = {
  tags: ["cart"],
  security: bearerSecurity,
  middleware: [requireUser(), liveSession],
};

/** `/cart`: one cart per user in Redis, priced from the catalog on every read. */
export function cartRoutes() {
  const router = createRouter();

  // 1 Redis (the cart and the session check, one pipeline) + 1 Postgres (none for an empty cart).
  router.openapi(
    createRoute({
      ...common,
      middleware: requireUser(),
      method: "get",
      path: "/cart",
      operationId: "getCart",
      summary: "The user's cart",
      responses: { ...cartOk, ...authErrors },
    }),
    async (c) => {
      const { env, sql, redis } = deps(c);
      const { lines, revoked } = await readCartAndRevocation(
        redis,
        cartKey(env.REDIS_PREFIX, c.get("user").id),
        callerRevokedKey(c, env.REDIS_PREFIX),
      );
      refuseRevoked(revoked);
      return c.json(await priceCart(sql, lines), 200);
    },
  );

  // 2 Redis (session check; write + read back) + 1 Postgres; on 404 one more Redis to undo.
  router.openapi(
    createRoute({
      ...common,
      method: "put",
      path: "/cart/items/{product_id}",
      operationId: "setCartItem",
      summary: "Set the quantity of one product in the cart (0 removes it)",
      request: { params: productIdParam, ...jsonBody(quantityBody) },
      responses: {
        ...cartOk,
        400: problemResponse("Invalid quantity or product id"),
        404: problemResponse("No such product in the catalog (`product_not_found`)"),
        ...authErrors,
      },
    }),
    async (c) => {
      const { env, sql, redis } = deps(c);
      const { product_id } = c.req.valid("param");
      const { quantity } = c.req.valid("json");
      const key = cartKey(env.REDIS_PREFIX, c.get("user").id);
      // Write first, then price: the pricing query doubles as the existence
      // check, saving a round trip. A line for an unknown product is never
      // visible (the view drops lines missing from the catalog), and it is
      // taken out again below.
      const lines = await writeLine(redis, key, product_id, quantity);
      const ids = lines.map((l) => l.product_id);
      if (!ids.includes(product_id)) ids.push(product_id);
      const prices = await fetchPrices(sql, ids);
      if (!prices.has(product_id)) {
        if (quantity > 0) await redis.hdel(key, product_id);
        throw new ApiError(
          404,
          "product_not_found",
          `Cannot find product "${product_id}" in the catalog`,
        );
      }
      return c.json(buildCart(lines, prices), 200);
    },
  );

  // 1 Redis + 1 Postgres.
  router.openapi(
    createRoute({
      ...common,
      method: "delete",
      path: "/cart/items/{product_id}",
      operationId: "removeCartItem",
      summary: "Remove one product from the cart",
      request: { params: z.object({ product_id: text().min(1).max(200) }) },
      responses: { ...cartOk, ...authErrors },
    }),
    async (c) => {
      const { env, sql, redis } = deps(c);
      const key = cartKey(env.REDIS_PREFIX, c.get("user").id);
      const lines = await writeLine(redis, key, c.req.valid("param").product_id, 0);
      return c.json(await priceCart(sql, lines), 200);
    },
  );

  // 1 Redis.
  router.openapi(
    createRoute({
      ...common,
      method: "delete",
      path: "/cart",
      operationId: "clearCart",
      summary: "Empty the cart",
      responses: { 204: { description: "The cart is empty" }, ...authErrors },
    }),
    async (c) => {
      const { env, redis } = deps(c);
      await clearCart(redis, cartKey(env.REDIS_PREFIX, c.get("user").id));
      return c.body(null, 204);
    },
  );

  return router;
}
