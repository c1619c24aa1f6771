import { base64url } from "jose";
import { timingSafeEqual } from "../../shared/timing_safe.ts";

/**
 * Password hashes as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (or
 * `pbkdf2-sha256-pepper$...` when a server-side pepper was mixed in),
 * base64url without padding. WebCrypto only, so it runs on Workers; see
 * README.md for the choice against OWASP's Password Storage Cheat Sheet.
 */
const SCHEME = "pbkdf2-sha256";
const PEPPERED = "pbkdf2-sha256-pepper";
const SALT_BYTES = 16;
const HASH_BITS = 256;

/** What a hash is made with: iteration count and optional pepper. */
export interface HashParams {
  iterations: number;
  pepper?: string;
}

const enc = new TextEncoder();

async function keyMaterial(password: string, pepper: string | undefined): Promise<Uint8Array> {
  // TextEncoder turns every unpaired surrogate into U+FFFD, so two different
  // passwords would hash alike. The schemas refuse them (shared/text.ts); this
  // keeps any other caller from hashing one.
  if (!password.isWellFormed()) {
    throw new TypeError("Cannot hash a password that is not well-formed");
  }
  if (!pepper) return enc.encode(password);
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(pepper),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [
      "sign",
    ],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(password)));
}

async function derive(password: string, salt: Uint8Array, iterations: number, pepper?: string) {
  const material = await keyMaterial(password, pepper);
  const key = await crypto.subtle.importKey("raw", material as BufferSource, "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string, params: HashParams): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, params.iterations, params.pepper);
  return `${params.pepper ? PEPPERED : SCHEME}$${params.iterations}$${base64url.encode(salt)}$${
    base64url.encode(hash)
  }`;
}

/** Result of checking a password: whether it matched, and whether the stored hash is outdated. */
export interface VerifyResult {
  ok: boolean;
  needsRehash: boolean;
}

/** Checks `password` against a stored hash; unknown formats never match. */
export async function verifyPassword(
  password: string,
  stored: string,
  params: HashParams,
): Promise<VerifyResult> {
  const [scheme, iter, salt, hash] = stored.split("$");
  const iterations = Number(iter);
  const peppered = scheme === PEPPERED;
  if ((scheme !== SCHEME && !peppered) || !Number.isSafeInteger(iterations) || !salt || !hash) {
    return { ok: false, needsRehash: false };
  }
  // A peppered hash without the pepper configured cannot be checked: fail closed.
  if (peppered && !params.pepper) return { ok: false, needsRehash: false };
  const derived = await derive(
    password,
    base64url.decode(salt),
    iterations,
    peppered ? params.pepper : undefined,
  );
  const ok = await timingSafeEqual(derived, base64url.decode(hash));
  const needsRehash = iterations !== params.iterations || peppered !== Boolean(params.pepper);
  return { ok, needsRehash };
}

/**
 * A hash no password matches, with the current parameters: checking a
 * login for an unknown email against it costs the same time as a real one.
 */
export function dummyHash(params: HashParams): string {
  const zeros = base64url.encode(new Uint8Array(SALT_BYTES));
  return `${params.pepper ? PEPPERED : SCHEME}$${params.iterations}$${zeros}$${
    base64url.encode(new Uint8Array(32))
  }`;
}
