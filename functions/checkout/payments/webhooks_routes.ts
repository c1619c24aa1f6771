import { createRoute, z } from "@hono/zod-openapi";
import Stripe from "stripe";
import { createRouter } from "../../../shared/app.ts";
import { ApiError } from "../../../shared/errors.ts";
import { problemResponse } from "../../../shared/openapi.ts";
import { defaultProvider, deps, type ProviderFactory } from "../deps.ts";
import { announceStockFlip } from "../stock_signal.ts";
import { applyStripeEvent, STRIPE_EVENTS } from "./stripe_events.ts";

/** How old a signed event may be (Stripe's own default): a replayed old delivery is refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const invalidSignature = (detail: string) => new ApiError(400, "invalid_signature", detail);

/**
 * `POST /webhooks/stripe`: Stripe's event deliveries. Authenticated by the
 * `Stripe-Signature` header (HMAC-SHA256 of `t.body` with the endpoint's
 * signing secret), not by a Bearer token. The SDK verifies it: every `v1`
 * signature is compared in constant time, and a timestamp older than the
 * tolerance is refused. Nothing is read from the database before that.
 */
export function webhooksRoutes(provider: ProviderFactory = defaultProvider) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/webhooks/stripe",
      tags: ["webhooks"],
      operationId: "receiveStripeWebhook",
      summary: "Receive a Stripe event",
      description: `Stripe calls this with events signed by the endpoint's signing secret. ` +
        `Applied: ${STRIPE_EVENTS.join(", ")}; any other event is acknowledged and ignored. ` +
        `An event id is applied once. Only with PAYMENT_PROVIDER=stripe.`,
      security: [],
      request: {
        headers: z.object({
          "stripe-signature": z.string().optional().openapi({
            param: { name: "stripe-signature", in: "header", required: true },
            example: "t=1700000000,v1=5257a869e7…",
          }),
        }),
        // A plain schema, not zod: the signature covers the raw bytes, which must reach
        // the verifier unparsed.
        body: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                description: "A Stripe Event object",
                properties: { id: { type: "string" }, type: { type: "string" } },
              },
            },
          },
        },
      },
      responses: {
        200: {
          description: "The event was received (applied, seen before, or ignored)",
          content: {
            "application/json": {
              schema: z.object({
                received: z.literal(true),
                result: z.enum(["applied", "duplicate", "ignored"]),
              }),
            },
          },
        },
        400: problemResponse("`invalid_signature`: missing, malformed, wrong or too old"),
        404: problemResponse("`not_found`: Stripe is not the configured payment provider"),
      },
    }),
    async (c) => {
      const { env, sql } = deps(c);
      if (env.PAYMENT_PROVIDER !== "stripe") {
        throw new ApiError(404, "not_found", "Cannot find a Stripe webhook endpoint here");
      }
      const header = c.req.header("stripe-signature");
      if (!header) throw invalidSignature("A Stripe-Signature header is required");
      const payload = await c.req.text();
      let event: Stripe.Event;
      try {
        event = await Stripe.webhooks.constructEventAsync(
          payload,
          header,
          env.STRIPE_WEBHOOK_SECRET!,
          SIGNATURE_TOLERANCE_SECONDS,
          Stripe.createSubtleCryptoProvider(),
        );
      } catch {
        throw invalidSignature(
          "Cannot verify the Stripe-Signature header: no v1 signature matches, or it is too old",
        );
      }
      const outcome = await applyStripeEvent(sql, provider(env), event);
      announceStockFlip(c, env, outcome.flipped);
      if (outcome.refunded) {
        c.get("log").warn("Refunded a charge for an order the sweep had abandoned", {
          event_id: event.id,
          refund_id: outcome.refunded,
        });
      }
      return c.json({ received: true as const, result: outcome.result }, 200);
    },
  );
  return router;
}
