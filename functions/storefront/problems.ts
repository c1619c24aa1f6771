/**
 * The services' problem codes in a shopper's words. A message is shown next
 * to what caused it (a field, a cart line, the payment choice), with
 * role="alert".
 */

/** A problem+json body as the services send it. */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
  decline_code?: string;
  items?: { product_id: string; requested: number; available: number }[];
}

const DECLINES: Record<string, string> = {
  generic_decline: "Your card was declined. Please choose another card.",
  insufficient_funds: "Your card has insufficient funds. Please choose another card.",
  expired_card: "Your card has expired. Please choose another card.",
  processing_error:
    "We could not process your card just now. Please try again or choose another card.",
};

/** Why a payment failed, by Stripe-style decline code. */
export const declineMessage = (code: string | undefined) =>
  DECLINES[code ?? ""] ?? "Your payment did not go through. Please choose another card.";

/** One cart line the warehouse cannot fill. */
export function stockMessage(name: string, requested: number, available: number): string {
  if (available <= 0) return `Sorry, ${name} is out of stock. Please remove it from your cart.`;
  return `Only ${available} left of ${name} (you asked for ${requested}). Please lower the quantity.`;
}

/** Field errors by the form field they belong to; `rename` maps API paths to field names. */
export function fieldErrors(
  problem: Problem | undefined,
  rename: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const field = rename[e.path] ?? e.path;
    out[field] ??= sentence(e.message);
  }
  return out;
}

const sentence = (text: string) => {
  const t = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/** The words for a problem shown at the top of a form. */
export function problemMessage(problem: Problem | undefined): string {
  switch (problem?.code) {
    case "invalid_credentials":
      return "That email and password do not match an account.";
    case "email_taken":
      return "An account with this email already exists. Sign in instead.";
    case "rate_limited":
      return "Too many attempts. Please wait a minute and try again.";
    case "validation_failed":
      return "Please correct the fields marked below.";
    case "cart_empty":
      return "Your cart is empty.";
    case "already_exists":
      return "A product with this ID already exists.";
    case "not_found":
    case "product_not_found":
      return "That product no longer exists.";
    case "invalid_state":
      return "This order can no longer be changed.";
    case "forbidden":
      return "Your account is not allowed to do that.";
    default:
      return problem?.detail ? sentence(problem.detail) : "Something went wrong. Please try again.";
  }
}
