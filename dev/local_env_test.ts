import assert from "node:assert/strict";

/** `functionEnv("auth", ...)`'s JWT_ISSUER in a fresh process with `env` (PORTS reads env at import). */
async function issuerWith(env: Record<string, string>): Promise<string> {
  const code = `
    import { functionEnv } from "./dev/local_env.ts";
    const w = { serverUrl: "postgres://postgres@127.0.0.1:5432/", database: "x",
      neon: { sqlEndpoint: "", wsProxy: "" }, upstash: { url: "", token: "" },
      authUrl: "", signingKey: "{}" };
    console.log(functionEnv("auth", w).JWT_ISSUER);`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    cwd: new URL("..", import.meta.url),
    env,
    clearEnv: true,
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("the dev stack's JWT_ISSUER follows GATEWAY_PORT unless JWT_ISSUER is set", async () => {
  const home = { HOME: Deno.env.get("HOME") ?? "/tmp", PATH: Deno.env.get("PATH") ?? "" };
  assert.equal(await issuerWith(home), "http://127.0.0.1:8000/auth");
  assert.equal(await issuerWith({ ...home, GATEWAY_PORT: "8100" }), "http://127.0.0.1:8100/auth");
  assert.equal(
    await issuerWith({ ...home, GATEWAY_PORT: "8100", JWT_ISSUER: "https://shop.example/auth" }),
    "https://shop.example/auth",
  );
});
