/**
 * The shopper's cart, whoever they are: the account's cart at checkout when
 * signed in, else the guest cart priced fresh from search. Also keeps the
 * nav's item count in a cookie, so a page needs no extra call to show it.
 */
import { getCookie, setCookie } from "hono/cookie";
import { api, type Ctx } from "./deps.ts";
import { type GuestLine, MAX_GUEST_LINES, readGuestCart, writeGuestCart } from "./guest_cart.ts";
import { cookieOptions } from "./session.ts";

export interface CartLine {
  product_id: string;
  name: string;
  unit_price_cents: number;
  quantity: number;
  line_total_cents: number;
  /** Units that can be ordered now (null when only "in stock" is known). */
  available: number | null;
}

export interface CartView {
  items: CartLine[];
  subtotal_cents: number;
}

const COUNT = "sf_n";

/** The nav's cart count, as last seen. */
export const cartCount = (c: Ctx) => Number(getCookie(c, COUNT) ?? 0) || 0;

/** Remembers the cart's item count for the nav. */
export function rememberCount(c: Ctx, items: { quantity: number }[]): void {
  const n = items.reduce((sum, i) => sum + i.quantity, 0);
  c.set("cartCount", n);
  setCookie(c, COUNT, String(n), cookieOptions(30 * 24 * 3600));
}

/** The cart with names and prices, for the cart and checkout pages. */
export async function loadCart(c: Ctx): Promise<CartView> {
  if (c.get("session")) {
    const { data, response } = await api(c).checkout.GET("/checkout/cart");
    if (!data) throw new Error(`Cannot read the cart: status ${response.status}`);
    rememberCount(c, data.items);
    return data;
  }
  const lines = await readGuestCart(c);
  const { search } = api(c);
  const found = await Promise.all(
    lines.map((l) => search.GET("/search/products/{id}", { params: { path: { id: l.id } } })),
  );
  const items: CartLine[] = [];
  lines.forEach((line, i) => {
    const p = found[i].data;
    if (!p) return;
    items.push({
      product_id: p.id,
      name: p.name,
      unit_price_cents: p.price_cents,
      quantity: line.quantity,
      line_total_cents: p.price_cents * line.quantity,
      available: p.in_stock ? null : 0,
    });
  });
  rememberCount(c, items);
  return { items, subtotal_cents: items.reduce((s, i) => s + i.line_total_cents, 0) };
}

/** Why a cart change failed, as a short code a redirect can carry. */
export type CartError = "gone" | "full" | "quantity";

/** Cart problems in the shopper's words. */
export const CART_ERRORS: Record<CartError, string> = {
  gone: "This product is no longer sold.",
  full: "Your cart is full. Sign in to add more products.",
  quantity: "Choose a quantity from 0 to 99.",
};

export type CartChange = { ok: true } | { ok: false; error: CartError };

/** Sets a line's quantity (0 removes it), adding to what is there when `add` is set. */
export async function setQuantity(
  c: Ctx,
  productId: string,
  quantity: number,
  add = false,
): Promise<CartChange> {
  if (c.get("session")) {
    const { checkout } = api(c);
    if (add) {
      const { data } = await checkout.GET("/checkout/cart");
      quantity += data?.items.find((i) => i.product_id === productId)?.quantity ?? 0;
    }
    const { data, error } = await checkout.PUT("/checkout/cart/items/{product_id}", {
      params: { path: { product_id: productId } },
      body: { quantity: Math.min(99, quantity) },
    });
    if (!data) {
      return { ok: false, error: error?.code === "product_not_found" ? "gone" : "quantity" };
    }
    rememberCount(c, data.items);
    return { ok: true };
  }
  const lines: GuestLine[] = await readGuestCart(c);
  const line = lines.find((l) => l.id === productId);
  if (line) line.quantity = Math.min(99, (add ? line.quantity : 0) + quantity);
  else if (lines.length >= MAX_GUEST_LINES) {
    return { ok: false, error: "full" };
  } else {
    const { data } = await api(c).search.GET("/search/products/{id}", {
      params: { path: { id: productId } },
    });
    if (!data) return { ok: false, error: "gone" };
    lines.push({ id: productId, quantity: Math.min(99, quantity) });
  }
  const kept = lines.filter((l) => l.quantity > 0);
  await writeGuestCart(c, kept);
  rememberCount(c, kept);
  return { ok: true };
}
