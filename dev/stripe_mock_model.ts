/**
 * The parts of the local Stripe server (stripe_mock.ts) that are plain data:
 * Stripe's form encoding, what each test PaymentMethod does, and the one
 * search query form checkout sends.
 */

// deno-lint-ignore no-explicit-any
export type Obj = Record<string, any>;

/** Stripe's form encoding (`metadata[order_id]=…`, `expand[0]=…`) as nested objects. */
export function parseForm(raw: string): Obj {
  const out: Obj = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const [head, ...rest] = name.split("[").map((p) => p.replace(/]$/, ""));
    let node = out;
    let key = head;
    for (const part of rest) {
      node = node[key] ??= {};
      key = part;
    }
    node[key] = value;
  }
  return out;
}

/** The parameters in a canonical order, so the same request in another order is the same request. */
export const sortedForm = (raw: string) =>
  [...new URLSearchParams(raw)].map(([k, v]) => `${k}=${v}`).sort().join("&");

type Behaviour = {
  decline?: { code: string; decline_code: string };
  /** Needs 3-D Secure. */
  action?: true;
};

/** Stripe test mode's PaymentMethods: docs/api.md's ids, plus the 3-D Secure ones. */
const METHODS: Record<string, Behaviour> = {
  pm_card_visa: {},
  pm_card_mastercard: {},
  pm_card_chargeDeclined: { decline: { code: "card_declined", decline_code: "generic_decline" } },
  pm_card_chargeDeclinedInsufficientFunds: {
    decline: { code: "card_declined", decline_code: "insufficient_funds" },
  },
  pm_card_chargeDeclinedExpiredCard: {
    decline: { code: "expired_card", decline_code: "expired_card" },
  },
  pm_card_chargeDeclinedProcessingError: {
    decline: { code: "processing_error", decline_code: "processing_error" },
  },
  pm_card_chargeDeclinedStolenCard: {
    decline: { code: "card_declined", decline_code: "stolen_card" },
  },
  pm_card_threeDSecure2Required: { action: true },
  pm_card_authenticationRequired: { action: true },
};

export const intentBehaviour = (method: string): Behaviour | undefined => METHODS[method];

/**
 * Stripe's search query language, only as far as checkout uses it:
 * `metadata['key']:'value'`. Null for anything else (Stripe: 400).
 */
export function search(intents: Obj[], query: string): Obj[] | null {
  const m = query.match(/^metadata\['([^']+)'\]:'([^']*)'$/);
  if (!m) return null;
  return intents.filter((pi) => pi.metadata?.[m[1]] === m[2]).reverse();
}
