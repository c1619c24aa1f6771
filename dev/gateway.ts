/**
 * The local stand-in for the edge's routing: one origin that sends
 * `/auth/*`, `/search/*` and `/checkout/*` to each function's own port and
 * everything else to the storefront, as Workers routes or a Deno Deploy
 * domain mapping would. Forwarding is hono's `proxy` (hop-by-hop headers
 * dropped, bodies streamed).
 */
import { Hono } from "hono";
import { proxy } from "hono/proxy";
import { request as nodeRequest } from "node:http";
import { STATUS_TEXT } from "../shared/status_text.ts";

export type Routes = Record<string, number>;

// What hono's requestId middleware accepts from a client; anything else gets a fresh id.
const REQUEST_ID = /^[\w\-=]{1,255}$/;

/**
 * The gateway's own answers (unknown path, function down) carry the same
 * headers as the functions' (API.md: `X-Request-Id`, `Server-Timing`).
 */
function problem(
  status: number,
  code: string,
  detail: string,
  id: string,
  started: number,
): Response {
  return new Response(
    JSON.stringify({ type: "about:blank", title: STATUS_TEXT[status], status, detail, code }),
    {
      status,
      headers: {
        "Content-Type": "application/problem+json",
        "X-Request-Id": id,
        "Server-Timing": `total;dur=${(performance.now() - started).toFixed(1)}`,
      },
    },
  );
}

/**
 * `fetch` refuses to send TRACE and TRACK ("forbidden methods"), which made
 * the gateway answer 502; node:http sends them, so the function answers
 * (405) as it would on the edge. They carry no body (RFC 9110, 9.3.8).
 */
function forwardForbiddenMethod(url: string, req: Request, headers: Headers): Promise<Response> {
  return new Promise((resolve, reject) => {
    const out = nodeRequest(
      url,
      { method: req.method, headers: Object.fromEntries(headers) },
      (res) => {
        const chunks: Uint8Array<ArrayBuffer>[] = [];
        res.on("data", (chunk: Uint8Array<ArrayBuffer>) => chunks.push(chunk));
        res.on("end", () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
          }
          resolve(
            new Response(res.statusCode === 204 ? null : new Blob(chunks), {
              status: res.statusCode,
              headers: h,
            }),
          );
        });
      },
    );
    out.on("error", reject);
    out.end();
  });
}

/**
 * A fetch handler proxying by the first path segment (anything else to
 * `fallback`, the storefront, when given); adds `X-Forwarded-For` and `-Host`.
 */
export function gatewayHandler(routes: Routes, fallback?: number) {
  const app = new Hono<{ Bindings: { remote: string } }>();
  app.all("*", async (c) => {
    const started = performance.now();
    const given = c.req.header("X-Request-Id");
    const id = given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    const url = new URL(c.req.url);
    const first = url.pathname.split("/")[1];
    const port = Object.hasOwn(routes, first) ? routes[first] : fallback;
    const service = Object.hasOwn(routes, first) ? first : "storefront";
    if (!port) return problem(404, "not_found", `Cannot find ${url.pathname}`, id, started);
    const forwardedFor = [c.req.header("X-Forwarded-For"), c.env.remote].filter(Boolean);
    const target = `http://127.0.0.1:${port}${url.pathname}${url.search}`;
    const headers = {
      ...c.req.header(),
      // The function echoes it, so one id names the request end to end.
      "X-Request-Id": id,
      "X-Forwarded-For": forwardedFor.join(", "),
      "X-Forwarded-Host": url.host,
    };
    try {
      if (c.req.method === "TRACE" || c.req.method === "TRACK") {
        return await forwardForbiddenMethod(target, c.req.raw, new Headers(headers));
      }
      return await proxy(target, { raw: c.req.raw, headers, redirect: "manual" });
    } catch {
      return problem(502, "bad_gateway", `Cannot reach the ${service} function`, id, started);
    }
  });
  return (req: Request, info: Deno.ServeHandlerInfo): Promise<Response> =>
    Promise.resolve(app.fetch(req, { remote: (info.remoteAddr as Deno.NetAddr).hostname }));
}
