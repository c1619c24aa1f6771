import { productCreateSchema, type ProductInput } from "./product_schemas.ts";

/** One rejected item of a bulk import. */
export interface BulkError {
  index: number;
  id?: string;
  code: string;
  message: string;
}

/**
 * Validates every item on its own, so one bad item costs only itself. An id
 * given twice keeps its last occurrence (like a replay of single writes) and
 * reports the earlier ones: a single INSERT ... ON CONFLICT cannot touch one
 * row twice, and silently dropping an item would hide a client bug.
 */
export function validateBatch(items: unknown[]): { valid: ProductInput[]; errors: BulkError[] } {
  const errors: BulkError[] = [];
  const parsed: { index: number; product: ProductInput }[] = [];
  items.forEach((item, index) => {
    const result = productCreateSchema.safeParse(item);
    if (result.success) {
      parsed.push({ index, product: result.data });
      return;
    }
    const rawId = (item as { id?: unknown } | null)?.id;
    const issue = result.error.issues[0];
    const path = issue.path.map(String).join(".") || "item";
    errors.push({
      index,
      ...(typeof rawId === "string" ? { id: rawId } : {}),
      code: "validation_failed",
      message: `Invalid "${path}": ${issue.message}`,
    });
  });
  const lastIndex = new Map<string, number>();
  for (const { index, product } of parsed) lastIndex.set(product.id, index);
  const valid: ProductInput[] = [];
  for (const { index, product } of parsed) {
    const last = lastIndex.get(product.id)!;
    if (last === index) valid.push(product);
    else {
      errors.push({
        index,
        id: product.id,
        code: "duplicate_id",
        message: `Cannot import "${product.id}" twice in one batch: the item at index ${last} wins`,
      });
    }
  }
  errors.sort((a, b) => a.index - b.index);
  return { valid, errors };
}
