/**
 * The local stand-in for the edge's routing: one origin that sends
 * `/auth/*`, `/search/*` and `/checkout/*` to each function's own port and
 * everything else to the storefront, as Workers routes or a Deno Deploy
 * domain mapping would. Forwarding is hono's `proxy` (hop-by-hop headers
 * dropped, bodies streamed).
 */
import { Hono } from "hono";
import { proxy } from "hono/proxy";

export type Routes = Record<string, number>;

function problem(status: number, code: string, detail: string): Response {
  return new Response(
    JSON.stringify({ type: "about:blank", title: code, status, detail, code }),
    { status, headers: { "Content-Type": "application/problem+json" } },
  );
}

/**
 * A fetch handler proxying by the first path segment (anything else to
 * `fallback`, the storefront, when given); adds `X-Forwarded-For` and `-Host`.
 */
export function gatewayHandler(routes: Routes, fallback?: number) {
  const app = new Hono<{ Bindings: { remote: string } }>();
  app.all("*", async (c) => {
    const url = new URL(c.req.url);
    const first = url.pathname.split("/")[1];
    const port = Object.hasOwn(routes, first) ? routes[first] : fallback;
    const service = Object.hasOwn(routes, first) ? first : "storefront";
    if (!port) return problem(404, "not_found", `Cannot find ${url.pathname}`);
    const forwardedFor = [c.req.header("X-Forwarded-For"), c.env.remote].filter(Boolean);
    try {
      return await proxy(`http://127.0.0.1:${port}${url.pathname}${url.search}`, {
        raw: c.req.raw,
        headers: {
          ...c.req.header(),
          "X-Forwarded-For": forwardedFor.join(", "),
          "X-Forwarded-Host": url.host,
        },
        redirect: "manual",
      });
    } catch {
      return problem(502, "bad_gateway", `Cannot reach the ${service} function`);
    }
  });
  return (req: Request, info: Deno.ServeHandlerInfo): Promise<Response> =>
    Promise.resolve(app.fetch(req, { remote: (info.remoteAddr as Deno.NetAddr).hostname }));
}
