/**
 * The local stand-in for the edge's routing: one origin that sends
 * `/auth/*`, `/search/*` and `/checkout/*` to each function's own port,
 * as a Workers route or a Deno Deploy domain mapping would.
 */
export type Routes = Record<string, number>;

function problem(status: number, code: string, detail: string): Response {
  return new Response(
    JSON.stringify({ type: "about:blank", title: code, status, detail, code }),
    { status, headers: { "Content-Type": "application/problem+json" } },
  );
}

/** A fetch handler proxying by the first path segment; adds `X-Forwarded-For`. */
export function gatewayHandler(routes: Routes) {
  return async (req: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
    const url = new URL(req.url);
    const port = routes[url.pathname.split("/")[1]];
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
      return problem(502, "bad_gateway", `Cannot reach the ${url.pathname.split("/")[1]} function`);
    }
  };
}
