/**
 * Local stand-in for Neon's proxy (dev and tests only): `POST /sql` speaks the
 * HTTP protocol of `neon()` / `transaction()`, and any other path upgrades to
 * the WebSocket relay that `Pool`/`Client` use. The wire format is described
 * in docs/protocols.md (Neon section). The halves live in neon_http.ts and
 * neon_ws.ts; this file routes between them and serves.
 *
 *   deno run -A dev/neon_bridge.ts        # NEON_BRIDGE_PORT, default 4444
 */
import { allowList, errorResponse, HttpError } from "./neon_common.ts";
import { neonHttp } from "./neon_http.ts";
import { neonWebSocketRelay } from "./neon_ws.ts";

export interface NeonBridge {
  url: string;
  port: number;
  sqlEndpoint: string;
  wsProxy: string;
  close(): Promise<void>;
}

export function startNeonBridge(
  opts: { port?: number; hostname?: string; allowedHosts?: string[] } = {},
): Promise<NeonBridge> {
  const checkAllowed = allowList(opts.allowedHosts);
  const http = neonHttp(checkAllowed);
  const ws = neonWebSocketRelay(checkAllowed);

  async function handler(req: Request): Promise<Response> {
    try {
      const url = new URL(req.url);
      if (url.pathname === "/sql") {
        if (req.method !== "POST") throw new HttpError(405, "POST /sql");
        return await http.handleSql(req);
      }
      const address = url.searchParams.get("address");
      if (address === null) {
        throw new HttpError(404, "POST /sql, or WebSocket /v2?address=h:p");
      }
      if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        throw new HttpError(426, "WebSocket upgrade required");
      }
      return await ws.handleWebSocket(req, address);
    } catch (err) {
      return errorResponse(err);
    }
  }

  const hostname = opts.hostname ?? "127.0.0.1";
  return new Promise((resolve) => {
    const server = Deno.serve({
      port: opts.port ?? 0,
      hostname,
      onListen: ({ port }) => {
        const host = hostname === "0.0.0.0" || hostname === "::" ? "127.0.0.1" : hostname;
        resolve({
          url: `http://${host}:${port}`,
          port,
          sqlEndpoint: `http://${host}:${port}/sql`,
          wsProxy: `${host}:${port}/v2`,
          async close() {
            await ws.close();
            await server.shutdown();
            await http.close();
          },
        });
      },
    }, handler);
  });
}

if (import.meta.main) {
  const bridge = await startNeonBridge({
    port: Number(Deno.env.get("NEON_BRIDGE_PORT") ?? 4444),
  });
  console.log(`neon bridge on ${bridge.url} (WebSocket ${bridge.wsProxy})`);
}
