import { z } from "@hono/zod-openapi";
import { text } from "../../shared/text.ts";
import { productIdSchema } from "./product_schemas.ts";

/** At most this many groups in a set (docs/api.md). */
export const MAX_SYNONYM_GROUPS = 10_000;

const word = text().trim().min(1).max(100);

/** One group: its words match each other; with `one_way_from`, only that word expands. */
export const synonymGroupSchema = z.object({
  id: productIdSchema,
  words: z.array(word).min(2).max(50),
  one_way_from: word.optional(),
}).refine((g) => g.one_way_from === undefined || g.words.includes(g.one_way_from), {
  path: ["one_way_from"],
  message: "Must be one of the group's words",
}).openapi("SynonymGroup");

/** PUT body and GET/PUT answer. */
export const synonymSetSchema = z.object({
  synonyms: z.array(synonymGroupSchema).max(MAX_SYNONYM_GROUPS),
}).refine((s) => new Set(s.synonyms.map((g) => g.id)).size === s.synonyms.length, {
  path: ["synonyms"],
  message: "Group ids must be unique",
}).openapi("SynonymSet");
