import { EXAMPLES } from "../../shared/openapi_examples.ts";
import { z } from "@hono/zod-openapi";
import { ROLES } from "../../shared/jwt.ts";
import { text } from "../../shared/text.ts";

/** Normalised on the way in: docs/api.md compares emails case-insensitively. */
export const Email = text().trim().toLowerCase().max(320).pipe(z.email())
  .openapi({ example: "ada@example.com", type: "string", format: "email" });

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  created_at: z.string().openapi({ format: "date-time" }),
}).openapi("User", { example: EXAMPLES.user });

export const SignupBody = z.object({
  email: Email,
  password: text().min(8).max(256),
  name: text().trim().min(1).max(200).nullish(),
}).openapi("SignupBody");

export const LoginBody = z.object({
  email: Email,
  password: text().min(1).max(256),
}).openapi("LoginBody");

export const TokenPair = z.object({
  user: User,
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int(),
}).openapi("TokenPair", { example: EXAMPLES.tokenPair });
