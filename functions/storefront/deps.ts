/**
 * Per-request clients for the three services: openapi-fetch over the types
 * `deno task client` generates from their OpenAPI documents. The storefront
 * calls the services only through these.
 */
import createClient, { type Client } from "openapi-fetch";
import type { Context } from "hono";
import type { AppEnv } from "../../shared/app.ts";
import { parseEnv } from "../../shared/env.ts";
import { traceHeaders } from "../../shared/trace.ts";
import type { paths as AuthPaths } from "./api/auth.ts";
import type { paths as CheckoutPaths } from "./api/checkout.ts";
import type { paths as SearchPaths } from "./api/search.ts";
import { BINDINGS, type ServiceBinding, storefrontEnvSchema } from "./env.ts";
import type { Role } from "../../shared/jwt.ts";

/** The shopper signed in, from the access token (set by session.ts's loadSession). */
export interface Session {
  token: string;
  userId: string;
  sessionId: string;
  role: Role;
  /** Access token expiry, seconds since the epoch. */
  exp: number;
}

/** The storefront's Hono env: the shared bindings plus the shopper's session and cart count. */
export type StorefrontEnv = AppEnv & {
  Variables: { session: Session | null; cartCount: number };
};

export type Ctx = Context<StorefrontEnv>;

export interface Api {
  auth: Client<AuthPaths>;
  search: Client<SearchPaths>;
  checkout: Client<CheckoutPaths>;
}

type Service = keyof typeof BINDINGS;

/** A service did not answer, timed out or failed (5xx): the page asks the shopper to retry. */
export class ServiceUnavailable extends Error {
  constructor(readonly service: Service, cause: unknown) {
    super(`Cannot reach the ${service} service: ${cause}`);
    this.name = "ServiceUnavailable";
  }
}

/** A service refused the shopper's token (revoked or signed out elsewhere): sign in again. */
export class SignedOut extends Error {
  constructor(readonly service: Service) {
    super(`The ${service} service refused the session's access token`);
    this.name = "SignedOut";
  }
}

/** The storefront's parsed configuration. */
export const config = (c: Ctx) => parseEnv(storefrontEnvSchema, c.env ?? {});

function serviceFetch(
  c: Ctx,
  service: Service,
  withToken: boolean,
): (req: Request) => Promise<Response> {
  const binding = c.env?.[BINDINGS[service]] as ServiceBinding | undefined;
  const timeout = config(c).STOREFRONT_UPSTREAM_TIMEOUT_MS;
  return async (req) => {
    let res: Response;
    try {
      const timed = new Request(req, { signal: AbortSignal.timeout(timeout) });
      res = await (binding ? binding.fetch(timed) : fetch(timed));
    } catch (err) {
      throw new ServiceUnavailable(service, err);
    }
    if (res.status >= 500 || res.status === 429) {
      await res.body?.cancel();
      throw new ServiceUnavailable(service, `status ${res.status}`);
    }
    if (res.status === 401 && withToken) {
      await res.body?.cancel();
      throw new SignedOut(service);
    }
    return res;
  };
}

/**
 * Headers every call carries: the request id, the trace (so one trace id
 * follows a purchase from the page through every service), and the
 * shopper's own address and browser.
 */
function forwarded(c: Ctx, token: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    "X-Request-Id": c.get("requestId"),
    ...traceHeaders(c.get("trace")),
  };
  const ua = c.req.header("User-Agent");
  if (ua) headers["User-Agent"] = ua;
  const xff = c.req.header("X-Forwarded-For");
  if (xff) headers["X-Forwarded-For"] = xff;
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** Clients for this request, carrying the signed-in shopper's access token (or `token`). */
export function api(c: Ctx, token = c.get("session")?.token): Api {
  const env = config(c);
  // deno-lint-ignore ban-types -- openapi-fetch's own constraint on `paths`
  const make = <P extends {}>(service: Service, baseUrl: string) =>
    createClient<P>({
      baseUrl,
      fetch: serviceFetch(c, service, token !== undefined),
      headers: forwarded(c, token),
    });
  return {
    auth: make<AuthPaths>("auth", env.AUTH_URL),
    search: make<SearchPaths>("search", env.SEARCH_URL),
    checkout: make<CheckoutPaths>("checkout", env.CHECKOUT_URL),
  };
}
