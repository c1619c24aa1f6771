/**
 * A signed-out shopper's cart: product ids and quantities in a signed
 * cookie (HMAC, hono/cookie), merged into the account's cart at checkout
 * when they sign in or sign up. Names and prices are always read fresh
 * from search, never trusted from the cookie.
 */
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import { z } from "zod";
import { api, config, type Ctx } from "./deps.ts";
import { cookieOptions } from "./session.ts";

const NAME = "sf_cart";
/** A cookie holds about 4 KB; this many lines of 64-character ids fit with room to spare. */
export const MAX_GUEST_LINES = 30;
export const MAX_QUANTITY = 99;

export interface GuestLine {
  id: string;
  quantity: number;
}

const linesSchema = z.array(z.tuple([z.string().min(1).max(64), z.int().min(1).max(MAX_QUANTITY)]))
  .max(MAX_GUEST_LINES);

/** The guest cart, or [] when there is none or its signature does not verify. */
export async function readGuestCart(c: Ctx): Promise<GuestLine[]> {
  const raw = await getSignedCookie(c, config(c).STOREFRONT_COOKIE_SECRET, NAME);
  if (!raw) return [];
  try {
    const parsed = linesSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.map(([id, quantity]) => ({ id, quantity })) : [];
  } catch {
    return [];
  }
}

/** Stores the guest cart (deleting the cookie when it is empty). */
export async function writeGuestCart(c: Ctx, lines: GuestLine[]): Promise<void> {
  const kept = lines.filter((l) => l.quantity > 0).slice(0, MAX_GUEST_LINES);
  if (!kept.length) {
    deleteCookie(c, NAME, { path: "/", secure: true });
    return;
  }
  const value = JSON.stringify(kept.map((l) => [l.id, l.quantity]));
  await setSignedCookie(
    c,
    NAME,
    value,
    config(c).STOREFRONT_COOKIE_SECRET,
    cookieOptions(30 * 24 * 3600),
  );
}

/**
 * At sign-in or sign-up: adds the guest cart's lines to the account's cart
 * (quantities add up, capped at 99), then forgets the guest cart. Lines whose
 * product is gone are dropped. Returns the account's cart lines afterwards.
 */
export async function mergeGuestCart(c: Ctx): Promise<{ quantity: number }[]> {
  const lines = await readGuestCart(c);
  const { checkout } = api(c);
  const { data: cart } = await checkout.GET("/checkout/cart");
  let items = cart?.items ?? [];
  const have = new Map(items.map((i) => [i.product_id, i.quantity]));
  // One line after another: each PUT answers with the whole cart, and the
  // last one is the merged cart.
  for (const line of lines) {
    const quantity = Math.min(MAX_QUANTITY, (have.get(line.id) ?? 0) + line.quantity);
    const { data } = await checkout.PUT("/checkout/cart/items/{product_id}", {
      params: { path: { product_id: line.id } },
      body: { quantity },
    });
    if (data) items = data.items;
  }
  if (lines.length) await writeGuestCart(c, []);
  return items;
}
