/**
 * The parts of the local Stripe server (stripe_mock.ts) that are plain data
 * and helpers: Stripe's form encoding, what each test PaymentMethod does,
 * the one search query form checkout sends, and Stripe's error shapes.
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

/** A response: status and JSON body. */
export type Answer = { status: number; body: Obj };

export const id = (prefix: string) =>
  `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
export const err = (status: number, error: Obj): Answer => ({ status, body: { error } });
export const missing = (what: string, value: string) =>
  err(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${what}: '${value}'`,
  });

export function rateOrServerError(status: number): Answer {
  return status === 429
    ? err(429, {
      type: "invalid_request_error",
      code: "rate_limit",
      message: "Too many requests hit the API too quickly.",
    })
    : err(status, { type: "api_error", message: "Something went wrong on Stripe's end." });
}

export function answer(a: Answer, replayed = false): Response {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "Request-Id": id("req"),
  };
  if (replayed) headers["Idempotent-Replayed"] = "true";
  return new Response(JSON.stringify(a.body), { status: a.status, headers });
}

export async function settled(p: Promise<unknown>): Promise<boolean> {
  const pending = Symbol();
  return (await Promise.race([p, Promise.resolve(pending)])) !== pending;
}
