import { type JWTHeaderParameters, jwtVerify } from "jose";
import { z } from "zod";
import { fetchJwks, importJwks, JWKS_FETCH_TIMEOUT_MS, parseJwks } from "./jwks.ts";
import { EnvError, parseEnv } from "./env.ts";

/**
 * Offline verification of the access tokens the auth service issues
 * (RFC 9068 `at+jwt`, EdDSA/Ed25519), following RFC 8725: one allowed
 * algorithm, explicit `typ`, `iss`, `aud` and `exp`, and a `kid` that is
 * only ever a map key. `jku`, `x5u`, `jwk` and `x5c` headers are never
 * looked at: keys come from configuration alone.
 */

/**
 * The `iss` and `aud` of access tokens, defaults included, in one place:
 * auth signs with them (its env extends this) and every verifier checks
 * them, so a changed default cannot make auth sign tokens the others reject.
 */
export const jwtClaimEnv = z.object({
  JWT_ISSUER: z.string().min(1).default("edgeshop-auth"),
  JWT_AUDIENCE: z.string().min(1).default("edgeshop"),
});

/** Variables every service that accepts Bearer tokens reads (merged by `verifierFor`). */
const jwtEnvFields = jwtClaimEnv.extend({
  /** JWKS as JSON (`{"keys":[...]}` or `[...]`): no network at all. */
  AUTH_JWKS: z.string().min(1).optional(),
  /** Where to fetch the JWKS when a `kid` is not in `AUTH_JWKS` (or that is unset). */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
});

/**
 * A service's env schema plus the JWT variables and the rule that one JWKS
 * source is set (a refinement does not survive `.extend`, so it is added here, once).
 */
export function withJwtEnv<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  type Sources = { AUTH_JWKS?: string; AUTH_JWKS_URL?: string };
  return schema.extend(jwtEnvFields.shape).refine((e) => {
    const { AUTH_JWKS, AUTH_JWKS_URL } = e as Sources;
    return Boolean(AUTH_JWKS || AUTH_JWKS_URL);
  }, {
    path: ["AUTH_JWKS"],
    message: "Set AUTH_JWKS or AUTH_JWKS_URL",
  });
}

/** Just the JWT variables (what `verifierFor` reads). */
export const jwtEnvSchema = withJwtEnv(z.object({}));

/** The role claim's values. */
export const ROLES = ["customer", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Verified claims of an access token. */
export interface AccessClaims {
  sub: string;
  sid: string;
  role: Role;
  jti: string;
  iat: number;
  exp: number;
  kid: string;
}

/** The token is not acceptable (401); `reason` is for logs only, never for the client. */
export class TokenError extends Error {
  constructor(readonly reason: string) {
    super(`Cannot accept the access token: ${reason}`);
    this.name = "TokenError";
  }
}

/** No key could be had at all (JWKS unreachable and nothing cached): a server-side failure. */
export class JwksUnavailableError extends Error {
  override name = "JwksUnavailableError";
}

/** What a verifier checks against. */
export interface VerifierConfig {
  issuer: string;
  audience: string;
  /** Static JWKS document (object or array). */
  jwks?: unknown;
  jwksUrl?: string;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
}

export const CLOCK_TOLERANCE_S = 30;
/** docs/api.md: an access token lives at most 15 minutes. */
export const MAX_TOKEN_LIFETIME_S = 15 * 60;
/** A `kid` missing from the cached JWKS triggers at most one refetch per interval. */
export const JWKS_REFETCH_INTERVAL_MS = 30_000;
/** A fetched JWKS is refreshed after this long, so a removed key stops being trusted. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;
/** Verified tokens remembered per verifier (FIFO eviction keeps memory bounded). */
export const TOKEN_CACHE_SIZE = 5000;

const claimsSchema = z.object({
  sub: z.string().min(1),
  sid: z.string().min(1),
  role: z.enum(ROLES),
  jti: z.string().min(1),
  iat: z.number(),
  exp: z.number(),
});

/** Verifies access tokens against one issuer/audience/JWKS; caches keys and verified tokens. */
export class AccessTokenVerifier {
  readonly #config: VerifierConfig;
  readonly #now: () => number;
  #staticKeys?: Promise<Map<string, CryptoKey>>;
  #fetched?: { keys: Map<string, CryptoKey>; at: number };
  #inflight?: Promise<Map<string, CryptoKey>>;
  #lastFetchAttempt = -Infinity;
  readonly #verified = new Map<string, AccessClaims>();

  constructor(config: VerifierConfig) {
    if (!config.jwks && !config.jwksUrl) {
      throw new Error("Cannot verify tokens: no JWKS configured");
    }
    this.#config = config;
    this.#now = config.now ?? Date.now;
  }

  /** Verifies `token`; throws `TokenError` when it is not acceptable. */
  /**
   * `headers` go with a JWKS fetch this call starts (the caller's trace), so
   * the fetch shows up in the auth service's access log under the same trace.
   */
  async verify(token: string, headers: Record<string, string> = {}): Promise<AccessClaims> {
    const nowS = Math.floor(this.#now() / 1000);
    const hit = this.#verified.get(token);
    if (hit) {
      if (hit.exp + CLOCK_TOLERANCE_S > nowS) return hit;
      this.#verified.delete(token);
      throw new TokenError("expired");
    }
    let claims: AccessClaims;
    try {
      let kid = "";
      const { payload } = await jwtVerify(
        token,
        async (header: JWTHeaderParameters) => {
          kid = typeof header.kid === "string" ? header.kid : "";
          return await this.#keyFor(kid, headers);
        },
        {
          algorithms: ["EdDSA"],
          typ: "at+jwt",
          issuer: this.#config.issuer,
          audience: this.#config.audience,
          requiredClaims: ["exp", "iat", "sub", "jti"],
          clockTolerance: CLOCK_TOLERANCE_S,
          currentDate: new Date(this.#now()),
        },
      );
      const parsed = claimsSchema.safeParse(payload);
      if (!parsed.success) throw new TokenError("malformed claims");
      claims = { ...parsed.data, kid };
    } catch (err) {
      if (err instanceof TokenError || err instanceof JwksUnavailableError) {
        throw err;
      }
      throw new TokenError((err as Error).name || "invalid");
    }
    if (claims.iat > nowS + CLOCK_TOLERANCE_S) {
      throw new TokenError("issued in the future");
    }
    if (claims.exp - claims.iat > MAX_TOKEN_LIFETIME_S) {
      throw new TokenError("lifetime too long");
    }
    this.#remember(token, claims);
    return claims;
  }

  #remember(token: string, claims: AccessClaims): void {
    if (this.#verified.size >= TOKEN_CACHE_SIZE) {
      const oldest = this.#verified.keys().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
    this.#verified.set(token, claims);
  }

  async #keyFor(kid: string, headers: Record<string, string>): Promise<CryptoKey> {
    if (!kid || kid.length > 200) {
      throw new TokenError("missing or oversized kid");
    }
    if (this.#config.jwks) {
      this.#staticKeys ??= importJwks(parseJwks(this.#config.jwks));
      const key = (await this.#staticKeys).get(kid);
      if (key) return key;
    }
    if (!this.#config.jwksUrl) throw new TokenError("unknown kid");
    const now = this.#now();
    let keys = this.#fetched?.keys;
    const stale = !this.#fetched || now - this.#fetched.at > JWKS_MAX_AGE_MS;
    if (stale || !keys?.has(kid)) {
      // Join a fetch in flight (a cold start's first one, or another kid's
      // refetch) instead of failing "unknown kid" while it runs. Start one
      // only when nothing verifies yet, or the cooldown since the last
      // attempt has passed: an unknown kid costs at most one fetch per
      // interval, shared by everyone waiting.
      const cooled = now - this.#lastFetchAttempt >= JWKS_REFETCH_INTERVAL_MS;
      if (this.#inflight || !this.#fetched || cooled) keys = await this.#sharedFetch(headers);
    }
    const key = keys?.get(kid);
    if (!key) throw new TokenError("unknown kid");
    return key;
  }

  /** The fetch in flight (or a new one); on failure a stale set still verifies. */
  async #sharedFetch(headers: Record<string, string>): Promise<Map<string, CryptoKey>> {
    const pending = this.#inflight ?? this.#refetch(headers);
    try {
      return await waitForShared(pending, JWKS_FETCH_TIMEOUT_MS + 500, () => {
        // Its owner was cancelled (Workers): forget it, so the next caller starts afresh.
        if (this.#inflight === pending) this.#inflight = undefined;
      });
    } catch (err) {
      if (this.#fetched) return this.#fetched.keys;
      throw new JwksUnavailableError(`Cannot fetch the JWKS: ${(err as Error).message}`);
    }
  }

  #refetch(headers: Record<string, string>): Promise<Map<string, CryptoKey>> {
    this.#lastFetchAttempt = this.#now();
    const pending = (async () => {
      const keys = await importJwks(await fetchJwks(this.#config.jwksUrl!, headers));
      this.#fetched = { keys, at: this.#now() };
      return keys;
    })();
    this.#inflight = pending;
    pending.catch(() => {}).finally(() => {
      if (this.#inflight === pending) this.#inflight = undefined;
    });
    return pending;
  }
}

/**
 * Awaits a promise that another request may have started. On Workers a
 * request cancelled mid-fetch never settles the I/O it started (jose
 * issues #355, #509, which is why jose's `createRemoteJWKSet` gives up
 * single flight there); a timer of this request's own bounds the wait.
 */
function waitForShared<T>(shared: Promise<T>, ms: number, onAbandon: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onAbandon();
      reject(new Error(`no JWKS within ${ms} ms`));
    }, ms);
  });
  return Promise.race([shared, abandoned]).finally(() => clearTimeout(timer));
}

const verifiers = new Map<string, AccessTokenVerifier>();
const MAX_VERIFIERS = 16;

/**
 * The isolate's verifier for this env (`JWT_ISSUER`, `JWT_AUDIENCE`,
 * `AUTH_JWKS` / `AUTH_JWKS_URL`). Keyed by configuration, not by env object,
 * so the JWKS and token caches survive across requests of one isolate.
 */
export function verifierFor(env: object): AccessTokenVerifier {
  const e = parseEnv(jwtEnvSchema, env);
  const key = JSON.stringify([
    e.JWT_ISSUER,
    e.JWT_AUDIENCE,
    e.AUTH_JWKS,
    e.AUTH_JWKS_URL,
  ]);
  let verifier = verifiers.get(key);
  if (!verifier) {
    if (verifiers.size >= MAX_VERIFIERS) {
      verifiers.delete(verifiers.keys().next().value!);
    }
    let jwks: unknown;
    if (e.AUTH_JWKS) {
      try {
        jwks = JSON.parse(e.AUTH_JWKS);
      } catch {
        throw new EnvError(
          ["AUTH_JWKS"],
          'Cannot start: invalid environment: "AUTH_JWKS" is not JSON',
        );
      }
    }
    verifier = new AccessTokenVerifier({
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      jwks,
      jwksUrl: e.AUTH_JWKS_URL,
    });
    verifiers.set(key, verifier);
  }
  return verifier;
}
