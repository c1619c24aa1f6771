import assert from "node:assert/strict";
import { Hono } from "hono";
import { clientIp } from "./client_ip.ts";
import { entry } from "./entry.ts";

const app = new Hono().get("/ip", (c) => c.text(clientIp(c)));
/** What `deno serve` passes as the handler's second argument. */
const info = (hostname: string) => ({ remoteAddr: { transport: "tcp", hostname, port: 4242 } });

Deno.test("on Deno the client address is the connection's, whatever headers the client sends", async () => {
  const fetch = entry(app).fetch;
  const req = new Request("http://x/ip", {
    headers: { "X-Forwarded-For": "1.2.3.4", "CF-Connecting-IP": "5.6.7.8" },
  });
  assert.equal(await (await fetch(req, info("203.0.113.5"))).text(), "203.0.113.5");
});

Deno.test("with TRUST_PROXY=true the right-most X-Forwarded-For entry is the client, never the first", async () => {
  const env = { TRUST_PROXY: "true" };
  const ask = async (xff: string) =>
    await (await app.request("/ip", { headers: { "X-Forwarded-For": xff } }, env)).text();
  assert.equal(await ask("6.6.6.6, 198.51.100.7"), "198.51.100.7");
  assert.equal(await ask("6.6.6.6,198.51.100.7 "), "198.51.100.7");
  assert.equal(await ask("198.51.100.7"), "198.51.100.7");
  // Without TRUST_PROXY the header is ignored.
  const res = await app.request("/ip", { headers: { "X-Forwarded-For": "6.6.6.6" } }, {});
  assert.equal(await res.text(), "unknown");
});
