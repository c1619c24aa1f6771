import { base64url } from "jose";
import { sha256Hex } from "../../shared/encoding.ts";

/** A new opaque refresh token: 256 random bits, base64url (43 characters). */
export function newRefreshToken(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * What the database stores instead of the token: SHA-256, hex. A plain hash
 * suffices (no salt, no work factor) because the token has 256 bits of
 * entropy; nothing about it can be guessed.
 */
export function hashRefreshToken(token: string): Promise<string> {
  return sha256Hex(token);
}

/** Whether a string can be one of our refresh tokens (cheap reject before any I/O). */
export const looksLikeRefreshToken = (t: string) => /^[A-Za-z0-9_-]{43}$/.test(t);
