/**
 * The local stand-in for the edge's routing: one origin that sends
 * `/auth/*`, `/search/*` and `/checkout/*` to each function's own port and
 * everything else to the storefront, as Workers routes or a Deno Deploy
 * domain mapping would.
 */
export type Routes = Record<string, number>;

function problem(status: number, code: string, detail: string): Response {
  return new Response(
    JSON.stringify({ type: "about:blank", title: code, status, detail, code }),
    { status, headers: { "Content-Type": "application/problem+json" } },
  );
}

/**
 * A fetch handler proxying by the first path segment (anything else to
 * `fallback`, the storefront, when given); adds `X-Forwarded-For`.
 */
export function gatewayHandler(routes: Routes, fallback?: number) {
  return async (req: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
    const url = new URL(req.url);
    const first = url.pathname.split("/")[1];
    const port = Object.hasOwn(routes, first) ? routes[first] : fallback;
    if (!port) return problem(404, "not_found", `Cannot find ${url.pathname}`);
    const headers = new Headers(req.headers);
    const remote = (info.remoteAddr as Deno.NetAddr).hostname;
    headers.set(
      "X-Forwarded-For",
      [headers.get("X-Forwarded-For"), remote].filter(Boolean).join(", "),
    );
    headers.set("X-Forwarded-Host", url.host);
    try {
      return await fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, {
        method: req.method,
        headers,
        body: req.body,
        redirect: "manual",
      });
    } catch {
      const name = Object.hasOwn(routes, first) ? first : "storefront";
      return problem(502, "bad_gateway", `Cannot reach the ${name} function`);
    }
  };
}
