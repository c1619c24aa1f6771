import assert from "node:assert/strict";
import { createApp } from "./app.ts";
import { MAX_HEADER_BYTES } from "./header_limit.ts";

/** Sends a raw HTTP/1.1 request with one header of `bytes` bytes; returns the status line and body. */
async function rawRequest(port: number, bytes: number): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const req = `GET /demo/health HTTP/1.1\r\nHost: x\r\nX-Big: ${
      "a".repeat(bytes)
    }\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(req));
    const text = await new Response(conn.readable).text();
    return { status: Number(text.split(" ")[1]), text };
  } catch (err) {
    conn.close();
    throw err;
  }
}

Deno.test("request headers over the limit get 431 problem+json; at 64 KiB Deno's server answers a bare 400 itself", async () => {
  const app = createApp("demo", () => Promise.resolve({}));
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, app.fetch);
  try {
    const port = server.addr.port;
    assert.equal((await rawRequest(port, 8 * 1024)).status, 200);
    const big = await rawRequest(port, MAX_HEADER_BYTES + 1024);
    assert.equal(big.status, 431, big.text.slice(0, 300));
    assert.match(big.text, /content-type: application\/problem\+json/i);
    assert.match(big.text, /"status":431/);
    assert.match(big.text, /"code":"request_header_fields_too_large"/);
    // Documented, not ours to change: Deno rejects before the app runs (no body, no problem).
    const huge = await rawRequest(port, 64 * 1024);
    assert.equal(huge.status, 400);
    assert.doesNotMatch(huge.text, /problem\+json/);
  } finally {
    await server.shutdown();
  }
});
