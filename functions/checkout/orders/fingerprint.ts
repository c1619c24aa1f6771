import { sha256Hex } from "../../../shared/encoding.ts";
/** JSON with object keys sorted at every depth, so equal bodies hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * SHA-256 (hex) of the validated request body, bound to the route: what an
 * idempotency key is checked against. Computed on the parsed body, so
 * whitespace, key order and fields the schema drops do not count as a
 * different request.
 */
export function requestFingerprint(route: string, body: unknown): Promise<string> {
  return sha256Hex(`${route}\n${canonical(body)}`);
}
