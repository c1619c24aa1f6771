import { ApiError } from "../../shared/errors.ts";
import { base64url } from "jose";
import { timingSafeEqual } from "../../shared/timing_safe.ts";

/**
 * Keyset cursors: the sort keys of the last hit of a page, signed with
 * HMAC-SHA-256 over the canonical query as well, so a cursor is opaque,
 * cannot be forged or edited, and is refused with any other query.
 * Format: base64url(JSON keys) "." base64url(first 16 bytes of the MAC).
 */
export type CursorKeys = [number, number, string];

const encoder = new TextEncoder();
// Importing a key is a few microseconds but not free; one per secret per isolate.
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      [
        "sign",
      ],
    );
    keys.set(secret, key);
  }
  return key;
}

async function mac(secret: string, query: string, payload: string): Promise<Uint8Array> {
  const sig = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret),
    encoder.encode(`${query}\u0000${payload}`),
  );
  return new Uint8Array(sig, 0, 16);
}

/** Signs the keys of a page's last hit for the query `query` (canonical form). */
export async function encodeCursor(secret: string, query: string, k: CursorKeys): Promise<string> {
  const payload = base64url.encode(JSON.stringify(k));
  return `${payload}.${base64url.encode(await mac(secret, query, payload))}`;
}

const invalid = () =>
  new ApiError(
    400,
    "invalid_cursor",
    "Cannot use this cursor: it is malformed, altered or from another query",
  );

/** Verifies a cursor against the query it must come from; 400 `invalid_cursor` otherwise. */
export async function decodeCursor(
  secret: string,
  query: string,
  cursor: string,
): Promise<CursorKeys> {
  const [payload, sig, extra] = cursor.split(".");
  if (!payload || !sig || extra !== undefined) throw invalid();
  let given: Uint8Array;
  let keysJson: unknown;
  try {
    given = base64url.decode(sig);
    keysJson = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
  } catch {
    throw invalid();
  }
  const expected = await mac(secret, query, payload);
  // Constant-time compare: the time taken says nothing about how much matched.
  if (!(await timingSafeEqual(given, expected))) throw invalid();
  const k = keysJson as unknown[];
  if (
    !Array.isArray(k) || k.length !== 3 || !Number.isSafeInteger(k[0]) ||
    !Number.isSafeInteger(k[1]) ||
    typeof k[2] !== "string"
  ) throw invalid();
  return k as CursorKeys;
}
