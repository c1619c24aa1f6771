/**
 * A local Stripe-compatible HTTP server for the endpoints checkout uses, after
 * Stripe's API reference: form-encoded bodies, Bearer secret keys, error
 * objects `{ error: { type, code, decline_code, message, payment_intent } }`,
 * and v1 idempotency (the first response under a key is saved once the
 * endpoint starts, 500s included, and replayed with `Idempotent-Replayed`;
 * other parameters → 400 `idempotency_error`; the same key still running →
 * 409). The contract's test PaymentMethods behave as in Stripe test mode.
 * Hand-written because no maintained npm package emulates Stripe offline.
 * Tests make it fail (`fail`) or answer late (`delay`), and read the events
 * it would have sent to a webhook (`events`).
 */
import {
  type Answer,
  answer,
  err,
  id,
  intentBehaviour,
  missing,
  type Obj,
  parseForm,
  rateOrServerError,
  search,
  settled,
  sortedForm,
} from "./stripe_mock_model.ts";

export interface StripeFault {
  status: 500 | 429 | 503;
  /** `before`: refused before the endpoint runs (nothing saved); `after`: it ran, the 500 is saved. */
  when?: "before" | "after";
  times?: number;
  /** Only requests whose path starts with this (default: every POST). */
  path?: string;
}

export interface StripeMock {
  url: string;
  secretKey: string;
  /** PaymentIntents created, in order. */
  intents: Obj[];
  refunds: Obj[];
  /** Events Stripe would deliver to a webhook endpoint, in order. */
  events: Obj[];
  /** Every request: method, path, Idempotency-Key and form parameters. */
  requests: { method: string; path: string; key: string | null; form: Obj }[];
  fail(fault: StripeFault): void;
  /** Answers the next `times` POSTs `ms` late (the work is done, the answer waits). */
  delay(ms: number, times?: number): void;
  close(): Promise<void>;
}

type Saved = { fingerprint: string; answer: Promise<Answer> };
/** Starts the server on a free port of 127.0.0.1. */
export function startStripeMock(opts: { secretKey?: string } = {}): StripeMock {
  const secretKey = opts.secretKey ?? `sk_test_${crypto.randomUUID().replaceAll("-", "")}`;
  const keys = new Map<string, Saved>();
  const faults: Required<StripeFault>[] = [];
  const delays: { ms: number; times: number }[] = [];
  const mock = {
    secretKey,
    intents: [] as Obj[],
    refunds: [] as Obj[],
    events: [] as Obj[],
    requests: [] as StripeMock["requests"],
  };
  const event = (type: string, object: Obj) =>
    mock.events.push({
      id: id("evt"),
      object: "event",
      type,
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: structuredClone(object) },
    });

  function createIntent(p: Obj): Answer {
    const amount = Number(p.amount);
    if (!Number.isInteger(amount) || amount < 50) {
      return err(400, {
        type: "invalid_request_error",
        code: "amount_too_small",
        param: "amount",
        message: "Amount must be at least $0.50 usd",
      });
    }
    const method = String(p.payment_method ?? "");
    const behaviour = intentBehaviour(method);
    if (!behaviour) {
      return err(400, {
        type: "invalid_request_error",
        code: "resource_missing",
        param: "payment_method",
        message: `No such PaymentMethod: '${method}'`,
      });
    }
    const pi: Obj = {
      id: id("pi"),
      object: "payment_intent",
      amount,
      amount_received: 0,
      currency: p.currency,
      metadata: p.metadata ?? {},
      payment_method: method,
      status: "requires_confirmation",
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      created: Math.floor(Date.now() / 1000),
      client_secret: `${id("pi")}_secret_${id("x")}`,
    };
    mock.intents.push(pi);
    if (p.confirm !== "true") return { status: 200, body: pi };
    pi.latest_charge = id("ch");
    if (behaviour.decline || (behaviour.action && p.error_on_requires_action === "true")) {
      const code = behaviour.decline?.code ?? "authentication_required";
      const decline_code = behaviour.decline?.decline_code ?? "authentication_required";
      const error = {
        type: "card_error",
        code,
        decline_code,
        charge: pi.latest_charge,
        message: "Your card was declined.",
      };
      Object.assign(pi, { status: "requires_payment_method", last_payment_error: error });
      event("payment_intent.payment_failed", pi);
      return err(402, { ...error, payment_intent: structuredClone(pi) });
    }
    if (behaviour.action) {
      Object.assign(pi, { status: "requires_action", next_action: { type: "use_stripe_sdk" } });
      return { status: 200, body: pi };
    }
    Object.assign(pi, { status: "succeeded", amount_received: amount });
    event("payment_intent.succeeded", pi);
    return { status: 200, body: pi };
  }

  function createRefund(p: Obj): Answer {
    const pi = mock.intents.find((i) => i.id === p.payment_intent);
    if (!pi) return missing("payment_intent", String(p.payment_intent));
    const amount = p.amount === undefined ? Number(pi.amount) : Number(p.amount);
    const refunded = mock.refunds.filter((r) => r.payment_intent === pi.id)
      .reduce((sum, r) => sum + Number(r.amount), 0);
    if (pi.status !== "succeeded" || refunded >= Number(pi.amount)) {
      return err(400, {
        type: "invalid_request_error",
        code: pi.status === "succeeded"
          ? "charge_already_refunded"
          : "payment_intent_unexpected_state",
        message: `Cannot refund PaymentIntent ${pi.id}`,
      });
    }
    if (amount + refunded > Number(pi.amount)) {
      return err(400, {
        type: "invalid_request_error",
        code: "amount_too_large",
        param: "amount",
        message: "Refund amount is greater than unrefunded amount on charge",
      });
    }
    const refund = {
      id: id("re"),
      object: "refund",
      amount,
      currency: pi.currency,
      payment_intent: pi.id,
      charge: pi.latest_charge,
      status: "succeeded",
      created: Math.floor(Date.now() / 1000),
    };
    mock.refunds.push(refund);
    const total = refunded + amount;
    event("charge.refunded", {
      id: pi.latest_charge,
      object: "charge",
      amount: pi.amount,
      amount_refunded: total,
      refunded: total === Number(pi.amount),
      payment_intent: pi.id,
      metadata: pi.metadata,
      refunds: { object: "list", data: [refund] },
    });
    return { status: 200, body: refund };
  }

  function route(method: string, path: string, url: URL, form: Obj): Answer {
    if (method === "POST" && path === "/v1/payment_intents") return createIntent(form);
    if (method === "POST" && path === "/v1/refunds") return createRefund(form);
    if (method === "GET" && path === "/v1/payment_intents/search") {
      const data = search(mock.intents, url.searchParams.get("query") ?? "");
      if (!data) {
        return err(400, {
          type: "invalid_request_error",
          code: "parameter_invalid",
          message: "Invalid query",
        });
      }
      return {
        status: 200,
        body: { object: "search_result", data, has_more: false, next_page: null, url: path },
      };
    }
    if (method === "GET" && path === "/v1/refunds") {
      const pi = url.searchParams.get("payment_intent");
      const data = mock.refunds.filter((r) => !pi || r.payment_intent === pi).reverse();
      return { status: 200, body: { object: "list", data, has_more: false, url: path } };
    }
    const one = path.match(/^\/v1\/payment_intents\/([^/]+)$/);
    if (method === "GET" && one) {
      const pi = mock.intents.find((i) => i.id === one[1]);
      return pi ? { status: 200, body: pi } : missing("payment_intent", one[1]);
    }
    return err(404, {
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path})`,
    });
  }

  /** The endpoint with the faults and delays tests asked for. */
  function run(req: Request, url: URL, form: Obj): Promise<Answer> {
    const fault = faults.find((f) => f.times > 0 && url.pathname.startsWith(f.path));
    if (fault) fault.times--;
    if (fault?.when === "before") return Promise.resolve(rateOrServerError(fault.status));
    const result = route(req.method, url.pathname, url, form);
    if (fault) return Promise.resolve(rateOrServerError(fault.status));
    const late = delays.find((d) => d.times > 0);
    if (!late) return Promise.resolve(result);
    late.times--;
    return new Promise((r) => setTimeout(() => r(result), late.ms));
  }

  /** A POST under Stripe's idempotency rules. */
  async function idempotent(req: Request, url: URL, raw: string): Promise<Response> {
    const key = req.headers.get("idempotency-key");
    const form = parseForm(raw);
    // Stripe refuses before its endpoint runs (rate limits, edge errors): nothing is saved.
    const early = faults.find((f) =>
      f.times > 0 && f.when === "before" && url.pathname.startsWith(f.path)
    );
    if (early) return answer(await run(req, url, form));
    if (!key) return answer(await run(req, url, form));
    const fingerprint = `${req.method} ${url.pathname} ${sortedForm(raw)}`;
    const saved = keys.get(key);
    if (saved && saved.fingerprint !== fingerprint) {
      return answer(err(400, {
        type: "idempotency_error",
        message:
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      }));
    }
    if (saved && !(await settled(saved.answer))) {
      return answer(err(409, {
        type: "idempotency_error",
        code: "idempotency_key_in_use",
        message: "There is currently another in-progress request using this Idempotency Key.",
      }));
    }
    if (saved) return answer(await saved.answer, true);
    const entry: Saved = { fingerprint, answer: run(req, url, form) };
    keys.set(key, entry);
    const result = await entry.answer;
    // Validation failures never started the endpoint: Stripe saves nothing for them.
    if (result.status === 400 || result.status === 404) keys.delete(key);
    return answer(result);
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const raw = req.method === "POST" ? await req.text() : url.search.slice(1);
    mock.requests.push({
      method: req.method,
      path: url.pathname,
      key: req.headers.get("idempotency-key"),
      form: parseForm(raw),
    });
    if (req.headers.get("authorization") !== `Bearer ${secretKey}`) {
      return answer(err(401, {
        type: "invalid_request_error",
        message: "Invalid API Key provided",
      }));
    }
    if (req.method !== "POST") return answer(await run(req, url, {}));
    return await idempotent(req, url, raw);
  });

  return {
    ...mock,
    url: `http://127.0.0.1:${server.addr.port}`,
    fail: (f) =>
      faults.push({ when: "before", times: 1, path: "/v1/", ...f } as Required<StripeFault>),
    delay: (ms, times = 1) => delays.push({ ms, times }),
    close: () => server.shutdown(),
  };
}
