/**
 * A free loopback port below Linux's ephemeral range (32768-60999). Every
 * port we pick is bound some time later (a function started by wrangler dev
 * can take a minute), and a port from that range can meanwhile become the
 * source port of any outgoing connection (CI saw AddrInUse that way). For a
 * server that a test kills and restarts on the same port it matters too: while it is down,
 * a client reconnecting to it picks ephemeral source ports; with the server's
 * port in that range, one attempt can pick the port itself and TCP connects
 * the socket to itself (a "self-connect"), so the client's own PING reads
 * back as an answer and a dead Redis looks alive. Below the range that cannot
 * happen, nor can an outgoing connection take the port before the restart.
 */
export function freePort(): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch (err) {
      if (!(err instanceof Deno.errors.AddrInUse)) throw err;
    }
  }
  throw new Error("No free port between 20000 and 32000");
}
