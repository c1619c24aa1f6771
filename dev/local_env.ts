/**
 * The local stack's configuration: ports, role URLs and a signing key that
 * survives restarts (kept in .tmp/, which git ignores), so tokens issued
 * before a restart of `deno task dev` still verify after it.
 */
import { exportJWK, generateKeyPair } from "jose";
import { withDatabase } from "./servers.ts";

export const SERVICES = ["auth", "search", "checkout"] as const;
export type Service = typeof SERVICES[number];
/** Every function the stack runs: the three services and the storefront in front of them. */
export const FUNCTIONS = [...SERVICES, "storefront"] as const;
export type FunctionName = typeof FUNCTIONS[number];

const num = (name: string, fallback: number) => Number(Deno.env.get(name) ?? fallback);

/** Ports of the gateway, each function and the bridges (env overrides). */
export const PORTS = {
  gateway: num("GATEWAY_PORT", 8000),
  auth: num("AUTH_PORT", 8001),
  search: num("SEARCH_PORT", 8002),
  checkout: num("CHECKOUT_PORT", 8003),
  storefront: num("STOREFRONT_PORT", 8004),
  neonBridge: num("NEON_BRIDGE_PORT", 4444),
  upstashBridge: num("UPSTASH_BRIDGE_PORT", 8079),
};

const KEY_FILE = new URL("../.tmp/dev-signing-key.json", import.meta.url);

/** The dev signing key (Ed25519 private JWK with a kid), created on first use. */
export async function devSigningKey(): Promise<string> {
  try {
    return await Deno.readTextFile(KEY_FILE);
  } catch {
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const jwk = {
      ...(await exportJWK(privateKey)),
      kid: `dev-${Date.now()}`,
      alg: "EdDSA",
      use: "sig",
    };
    await Deno.mkdir(new URL(".", KEY_FILE), { recursive: true });
    await Deno.writeTextFile(KEY_FILE, JSON.stringify(jwk));
    return JSON.stringify(jwk);
  }
}

/** A service's role URL on `database` (trust auth locally; the password is for the URL's shape). */
export function roleUrl(serverUrl: string, database: string, service: Service): string {
  const url = new URL(withDatabase(serverUrl, database));
  url.username = `edgeshop_${service}`;
  url.password = Deno.env.get(`${service.toUpperCase()}_DB_PASSWORD`) ?? "edgeshop";
  return url.toString();
}

/** Where a stack's functions find their dependencies. */
export interface StackWiring {
  serverUrl: string;
  database: string;
  neon: { sqlEndpoint: string; wsProxy: string };
  upstash: { url: string; token: string };
  /** Base URL of the auth function itself (for the JWKS). */
  authUrl: string;
  /** The auth function's private signing JWK (JSON). */
  signingKey: string;
  redisPrefix?: string;
  /** Extra origins allowed by CORS besides the local storefront's (e.g. a test page's). */
  extraCorsOrigins?: string[];
}

/** The local storefront's origins (the gateway), which the local stack allows by default. */
export const localStorefrontOrigins = () => [
  `http://127.0.0.1:${PORTS.gateway}`,
  `http://localhost:${PORTS.gateway}`,
];

/** Env for one function process of a local stack. */
export function functionEnv(service: Service, w: StackWiring): Record<string, string> {
  const env: Record<string, string> = {
    DATABASE_URL: roleUrl(w.serverUrl, w.database, service),
    NEON_HTTP_ENDPOINT: w.neon.sqlEndpoint,
    NEON_WS_PROXY: w.neon.wsProxy,
    UPSTASH_REDIS_REST_URL: w.upstash.url,
    UPSTASH_REDIS_REST_TOKEN: w.upstash.token,
    REDIS_PREFIX: w.redisPrefix ?? Deno.env.get("REDIS_PREFIX") ?? "edgeshop:",
    // The issuer is the public origin's auth base: it follows GATEWAY_PORT.
    JWT_ISSUER: Deno.env.get("JWT_ISSUER") ?? `http://127.0.0.1:${PORTS.gateway}/auth`,
    JWT_AUDIENCE: Deno.env.get("JWT_AUDIENCE") ?? "edgeshop",
    AUTH_JWKS_URL: `${w.authUrl}/auth/.well-known/jwks.json`,
    SEARCH_CURSOR_SECRET: Deno.env.get("SEARCH_CURSOR_SECRET") ??
      "local-dev-cursor-secret-change-me",
    TRUST_PROXY: "true",
    CORS_ALLOWED_ORIGINS: [
      Deno.env.get("CORS_ALLOWED_ORIGINS") ?? localStorefrontOrigins().join(","),
      ...(w.extraCorsOrigins ?? []),
    ].join(","),
    LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "info",
  };
  if (service === "auth") env.JWT_PRIVATE_JWK = w.signingKey;
  if (service === "checkout") Object.assign(env, localPaymentEnv());
  return env;
}

/**
 * The local stack's payment provider: the test provider unless the developer's env names another
 * (e.g. `PAYMENT_PROVIDER=stripe` with a Stripe test-mode key). Deployments have no default.
 */
export function localPaymentEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PAYMENT_PROVIDER: Deno.env.get("PAYMENT_PROVIDER") ?? "test",
  };
  for (const name of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"]) {
    const value = Deno.env.get(name);
    if (value) env[name] = value;
  }
  return env;
}

/** Env for all three functions. */
export function stackEnvs(w: StackWiring): Record<Service, Record<string, string>> {
  return Object.fromEntries(SERVICES.map((s) => [s, functionEnv(s, w)])) as Record<
    Service,
    Record<string, string>
  >;
}

/** A new Ed25519 private JWK with a kid, as JSON. */
export async function newSigningKey(kid = `key-${Date.now()}`): Promise<string> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: "EdDSA", use: "sig" });
}

/**
 * Env for the storefront of a local stack: each service at its own port (no
 * hop through the gateway), and the gateway's origin as the public origin
 * its forms are posted from.
 */
export function storefrontEnv(
  ports: Record<Service, number>,
  gatewayUrl: string,
): Record<string, string> {
  return {
    AUTH_URL: `http://127.0.0.1:${ports.auth}`,
    SEARCH_URL: `http://127.0.0.1:${ports.search}`,
    CHECKOUT_URL: `http://127.0.0.1:${ports.checkout}`,
    STOREFRONT_COOKIE_SECRET: Deno.env.get("STOREFRONT_COOKIE_SECRET") ??
      "local-dev-cookie-secret-change-me-please",
    STOREFRONT_ORIGIN: gatewayUrl,
    LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "info",
  };
}
