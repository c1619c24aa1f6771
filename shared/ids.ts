import { text } from "./text.ts";

/**
 * A product id: a client-chosen SKU, as catalog.products' CHECK constraint
 * spells it. Search validates it on writes, checkout on cart and inventory paths.
 */
export const skuSchema = text().regex(/^[A-Za-z0-9._-]{1,64}$/, {
  message: "Must be 1–64 characters of A-Z, a-z, 0-9, '.', '_' or '-'",
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its text form: checked before a query, so a malformed id is a 404, not a cast error. */
export const isUuid = (id: string): boolean => UUID.test(id);
