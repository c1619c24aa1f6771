/**
 * Sessions the web way: the access and refresh tokens live in HttpOnly;
 * Secure; SameSite=Lax cookies that scripts cannot read. Chromium and
 * Firefox store Secure cookies over plain http on localhost and 127.0.0.1
 * (secure contexts), so the local stack at http://127.0.0.1:8000 works as is.
 * The storefront reads the access token's claims only to shape the page
 * (e.g. show "Admin"); the services verify every token themselves.
 */
import type { MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { decodeJwt } from "jose";
import type { components } from "./api/auth.ts";
import { api, type Ctx, ServiceUnavailable, type StorefrontEnv } from "./deps.ts";

import type { Session } from "./deps.ts";
export type { Session };

export type TokenPair = components["schemas"]["TokenPair"];

const ACCESS = "sf_at";
const REFRESH = "sf_rt";
/** Refresh this long before the access token expires, so no call races its expiry. */
const REFRESH_AHEAD_S = 60;
/** The refresh cookie outlives any session auth allows (30 days absolute). */
const REFRESH_COOKIE_S = 30 * 24 * 3600;

/** Cookie attributes for everything the storefront stores. */
export const cookieOptions = (maxAge: number): CookieOptions => ({
  httpOnly: true,
  secure: true,
  sameSite: "Lax",
  path: "/",
  maxAge,
});

function fromToken(token: string): Session | null {
  try {
    const claims = decodeJwt(token);
    if (typeof claims.sub !== "string" || typeof claims.exp !== "number") return null;
    return {
      token,
      userId: claims.sub,
      sessionId: String(claims.sid ?? ""),
      role: claims.role === "admin" ? "admin" : "customer",
      exp: claims.exp,
    };
  } catch {
    return null;
  }
}

/** Stores a fresh token pair and makes it this request's session. */
export function startSession(c: Ctx, pair: TokenPair): void {
  setCookie(c, ACCESS, pair.access_token, cookieOptions(pair.expires_in));
  setCookie(c, REFRESH, pair.refresh_token, cookieOptions(REFRESH_COOKIE_S));
  c.set("session", fromToken(pair.access_token));
}

/** Forgets the tokens (the caller ends the session at auth first, where it can). */
export function endSession(c: Ctx): void {
  deleteCookie(c, ACCESS, { path: "/", secure: true });
  deleteCookie(c, REFRESH, { path: "/", secure: true });
  c.set("session", null);
}

/**
 * Middleware: puts the shopper's session (or null) in `c.get("session")`,
 * refreshing the token pair at auth when the access token is about to expire.
 */
export function loadSession(): MiddlewareHandler<StorefrontEnv> {
  return async function loadSession(c, next) {
    c.set("session", null);
    const access = getCookie(c, ACCESS);
    const session = access ? fromToken(access) : null;
    if (session && session.exp - Date.now() / 1000 > REFRESH_AHEAD_S) {
      c.set("session", session);
    } else {
      const refresh = getCookie(c, REFRESH);
      if (refresh) await refreshSession(c, refresh);
    }
    await next();
  };
}

async function refreshSession(c: Ctx, refreshToken: string): Promise<void> {
  try {
    const { data } = await api(c, undefined).auth.POST("/auth/token/refresh", {
      body: { refresh_token: refreshToken },
    });
    if (data) startSession(c, data);
    else endSession(c);
  } catch (err) {
    // Auth is down: browse signed out for now, keep the cookies for later.
    if (!(err instanceof ServiceUnavailable)) throw err;
    c.get("log").warn("Cannot refresh a session", { err: err.message });
  }
}

/** A local path to return to after signing in (never another site). */
export function safeNext(next: unknown, fallback = "/"): string {
  return typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : fallback;
}

/** For pages that need an account: the redirect to sign in, or null when signed in. */
export function signInFirst(c: Ctx): Response | null {
  if (c.get("session")) return null;
  const here = new URL(c.req.url);
  let next = here.pathname + here.search;
  if (c.req.method !== "GET") {
    // After a form post, come back to the page the form was on.
    const from = URL.parse(c.req.header("Referer") ?? "");
    next = from && from.host === here.host ? from.pathname + from.search : "/";
  }
  return c.redirect(`/signin?next=${encodeURIComponent(next)}`, 303);
}
