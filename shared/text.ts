import { z } from "@hono/zod-openapi";

/**
 * docs/api.md: text that cannot be stored faithfully is refused, never altered.
 * Postgres `text` cannot hold U+0000, and an unpaired UTF-16 surrogate has
 * no UTF-8 form: `TextEncoder`, JSON drivers and Postgres all turn it into
 * U+FFFD (so two different passwords would hash alike). Both are refused
 * at the schema layer, naming the field, before any handler sees them.
 */
export const UNSTORABLE_MESSAGE = "Must not contain NUL characters or unpaired UTF-16 surrogates";

/** True when `s` has no NUL and no unpaired surrogate (it survives UTF-8 and Postgres unchanged). */
export function isStorable(s: string): boolean {
  return !s.includes("\0") && s.isWellFormed();
}

/**
 * The one string schema for request input (body fields, query and path
 * parameters, headers): `z.string()` plus the storable-text refinement.
 * Chain the usual checks after it: `text().trim().min(1).max(200)`.
 */
export function text(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine(...storable);
}

/** The refinement alone, for string formats that are not plain `z.string()`: `.refine(...storable)`. */
export const storable = [isStorable, { message: UNSTORABLE_MESSAGE, abort: true }] as const;

/**
 * Query parameters whose percent-encoding is not valid UTF-8 (`%ED%A0%80`,
 * `%FF`): hono leaves those undecoded, so `q=%FF` would silently become the
 * three characters `%FF`. The shared validation hook refuses them instead,
 * naming each parameter.
 */
export function undecodableQueryParams(url: string): string[] {
  const query = url.split("?", 2)[1]?.split("#", 1)[0];
  // Only a percent-escape can fail to decode.
  if (!query?.includes("%")) return [];
  const bad: string[] = [];
  for (const pair of query.split("&")) {
    const [rawName, rawValue = ""] = pair.split(/=(.*)/s, 2);
    const name = decodeOr(rawName);
    if (name === undefined || decodeOr(rawValue) === undefined) bad.push(name ?? rawName);
  }
  return bad;
}

/**
 * Path parameters left undecoded for the same reason: hono keeps a segment
 * whose percent-encoding is not UTF-8 as it came, so a value still holding a
 * `%XX` while the raw path does not decode is one of those.
 */
export function undecodablePathParams(url: string, params: Record<string, unknown>): string[] {
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, "").split(/[?#]/, 1)[0];
  if (path.split("/").every((segment) => decodeOr(segment) !== undefined)) return [];
  return Object.entries(params)
    .filter(([, v]) => typeof v === "string" && /%[0-9A-Fa-f]{2}/.test(v))
    .map(([name]) => name);
}

function decodeOr(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll("+", " "));
  } catch {
    return undefined;
  }
}
