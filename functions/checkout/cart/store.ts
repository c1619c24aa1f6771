import type { Redis } from "@upstash/redis";

/** A cart lives 30 days after its last write (docs/api.md leaves it to us; a month is the usual storefront choice). */
export const CART_TTL_SECONDS = 30 * 24 * 3600;

/** One user's cart: a Redis hash product_id → quantity. */
export const cartKey = (prefix: string, userId: string) => `${prefix}cart:${userId}`;

/** A cart line as stored: what and how many, nothing priced. */
export interface CartLine {
  product_id: string;
  quantity: number;
}

/** Hash → lines sorted by product id (a hash has no order of its own; this one is stable). */
function toLines(hash: Record<string, unknown> | null): CartLine[] {
  const lines: CartLine[] = [];
  for (const [product_id, raw] of Object.entries(hash ?? {})) {
    const quantity = Number(raw);
    // Anything not a sane quantity was not written by us; ignore it rather than fail the cart.
    if (Number.isInteger(quantity) && quantity > 0 && quantity <= 99) {
      lines.push({ product_id, quantity });
    }
  }
  return lines.sort((
    a,
    b,
  ) => (a.product_id < b.product_id ? -1 : a.product_id > b.product_id ? 1 : 0));
}

/**
 * Reads a cart and, in the same Redis request (a pipeline), whether
 * `revokedKey` exists: the caller's session check rides along for free.
 */
export async function readCartAndRevocation(
  redis: Redis,
  key: string,
  revokedKey: string,
): Promise<{ lines: CartLine[]; revoked: number }> {
  const [hash, revoked] = await redis.pipeline().hgetall(key).exists(revokedKey)
    .exec<[Record<string, unknown> | null, number]>();
  return { lines: toLines(hash), revoked };
}

/**
 * Sets one line (0 removes it), refreshes the TTL and reads the cart back,
 * atomically and in one round trip (MULTI/EXEC).
 */
export async function writeLine(
  redis: Redis,
  key: string,
  productId: string,
  quantity: number,
): Promise<CartLine[]> {
  const tx = redis.multi();
  if (quantity > 0) tx.hset(key, { [productId]: quantity });
  else tx.hdel(key, productId);
  tx.expire(key, CART_TTL_SECONDS);
  tx.hgetall(key);
  const results = await tx.exec();
  return toLines(results[2] as Record<string, unknown> | null);
}

/** Empties a cart: one round trip. */
export async function clearCart(redis: Redis, key: string): Promise<void> {
  await redis.del(key);
}
