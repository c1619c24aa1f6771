import { jsonResponse } from "../../shared/openapi.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../shared/app.ts";
import { authEnv } from "./env.ts";
import { signingKeys } from "./signing_key.ts";

const Jwk = z.object({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string(),
  kid: z.string(),
  alg: z.literal("EdDSA"),
  use: z.literal("sig"),
});

/** The public keys other services verify access tokens with. */
export function jwksRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: "/.well-known/jwks.json",
      operationId: "getJwks",
      summary: "Public keys that verify access tokens",
      tags: ["keys"],
      security: [],
      responses: {
        200: jsonResponse("Current and previous public keys", z.object({ keys: z.array(Jwk) })),
      },
    }),
    async (c) => {
      const env = authEnv(c.env);
      const { publicJwks } = await signingKeys(env.JWT_PRIVATE_JWK, env.JWT_PREVIOUS_PUBLIC_JWKS);
      // Five minutes: a new key is published before it signs (see README), so
      // verifiers never need a fresher copy than this; unknown kids refetch anyway.
      c.header("Cache-Control", "public, max-age=300");
      return c.json({
        keys: publicJwks.map(({ kty, crv, x, kid }) => ({
          kty,
          crv,
          x,
          kid,
          alg: "EdDSA" as const,
          use: "sig" as const,
        })),
      }, 200);
    },
  );

  return router;
}
