/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): every request
 * joins the trace its `traceparent` names, or starts one, and every call it
 * makes to another service carries the trace on, so one trace id follows a
 * purchase across functions in their access logs. Hand-written because it is
 * a header format, not a tracer: we record nothing but log lines.
 */
import type { Context } from "hono";
import { encodeHex } from "./encoding.ts";

export interface TraceContext {
  /** 32 lower-case hex digits, shared by every service a request touches. */
  traceId: string;
  /** 16 hex digits naming this service's part of the trace (the parent of its outgoing calls). */
  spanId: string;
  /** Trace flags, two hex digits (`01`: sampled). */
  flags: string;
  /** The caller's `tracestate`, passed on unchanged. */
  state?: string;
}

// Typed for every context, as hono's request-id middleware declares `requestId`.
declare module "hono" {
  interface ContextVariableMap {
    trace: TraceContext;
  }
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

// Random bytes are drawn from a pool refilled 4 KiB at a time: a call to
// crypto.getRandomValues costs as much as the rest of a trace, and every
// request takes 8 or 24 bytes.
const pool = new Uint8Array(4096);
let used = pool.length;

function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  return encodeHex(pool.subarray(used, used += bytes));
}

/** The trace id, parent id and flags of a valid `traceparent`, or undefined. */
export function parseTraceparent(
  header: string | undefined | null,
): { traceId: string; parentId: string; flags: string } | undefined {
  const m = TRACEPARENT.exec(header?.trim() ?? "");
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m;
  // Version ff is invalid; version 00 has nothing after the flags; later
  // versions may append fields, which a version-00 reader ignores.
  if (version === "ff" || (version === "00" && rest)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, parentId, flags };
}

/** This request's trace: the caller's, continued with a new span, or a new one. */
export function traceFrom(headers: { get(name: string): string | null }): TraceContext {
  const parent = parseTraceparent(headers.get("traceparent"));
  const spanId = randomHex(8);
  if (!parent) return { traceId: randomHex(16), spanId, flags: "01" };
  const state = headers.get("tracestate") ?? undefined;
  return { traceId: parent.traceId, spanId, flags: parent.flags, ...(state ? { state } : {}) };
}

/** The headers that carry a trace to the next service. */
export function traceHeaders(trace: TraceContext | undefined): Record<string, string> {
  if (!trace) return {};
  const headers: Record<string, string> = {
    traceparent: `00-${trace.traceId}-${trace.spanId}-${trace.flags}`,
  };
  if (trace.state) headers.tracestate = trace.state;
  return headers;
}

/**
 * `fetch` on behalf of the current request: the call carries its trace
 * (`traceparent`, `tracestate`). Use it for every call a function makes to
 * another service.
 */
export function tracedFetch(
  c: Context,
  input: string | URL | Request,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : {}));
  for (const [k, v] of Object.entries(traceHeaders(c.get("trace")))) headers.set(k, v);
  return fetch(input, { ...init, headers });
}
