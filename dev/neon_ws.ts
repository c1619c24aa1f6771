/**
 * The Neon bridge's WebSocket half: the raw Postgres protocol relay that
 * the driver's `Pool` and `Client` use (`/v2?address=host:port`).
 */
import { type CheckAllowed, hostPort } from "./neon_common.ts";

/** The upgrade handler and a close that ends every open relay. */
export function neonWebSocketRelay(checkAllowed: CheckAllowed) {
  // Open WebSocket relays, so close() can end them.
  const relays = new Set<() => void>();

  /**
   * Relays raw Postgres protocol bytes between a WebSocket and a TCP
   * connection. The TCP connection is opened before the upgrade is answered,
   * so no frame can arrive while it is pending (nothing to buffer) and an
   * unreachable Postgres is a plain 502 instead of a socket that opens and
   * dies. Frames may split or merge protocol messages: bytes are bytes.
   */
  async function handleWebSocket(req: Request, address: string) {
    const { hostname, port } = hostPort(address);
    checkAllowed(hostname, port);
    const conn = await Deno.connect({ hostname, port });
    conn.setNoDelay(true);
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.binaryType = "arraybuffer";
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      relays.delete(close);
      try {
        conn.close();
      } catch { /* already closed */ }
      if (socket.readyState < WebSocket.CLOSING) socket.close();
    };
    relays.add(close);
    // Conn.write may write part of a chunk; a chain keeps chunks whole and in order.
    let writing = Promise.resolve();
    socket.onmessage = (e) => {
      const data = typeof e.data === "string"
        ? new TextEncoder().encode(e.data)
        : new Uint8Array(e.data);
      writing = writing.then(async () => {
        for (let off = 0; off < data.length && !closed;) {
          off += await conn.write(data.subarray(off));
        }
      }).catch(close);
    };
    socket.onclose = close;
    socket.onerror = close;
    socket.onopen = async () => {
      try {
        for await (const chunk of conn.readable) {
          if (socket.readyState !== WebSocket.OPEN) break;
          socket.send(chunk);
        }
      } catch { /* reset by Postgres, or closed by us */ }
      close();
    };
    return response;
  }

  return {
    handleWebSocket,
    async close() {
      // pg-pool's end() resolves before its sockets have sent Terminate
      // and closed; cutting those relays at once makes the client emit
      // "Failed to send frame" errors. Let them finish (briefly) first.
      for (let i = 0; i < 50 && relays.size > 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      for (const close of [...relays]) close();
    },
  };
}
