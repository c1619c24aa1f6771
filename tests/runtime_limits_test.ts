/**
 * What the edge runtimes forbid, checked on every test run: no I/O or env
 * reads at module scope (Workers has no env until a request; Deno Deploy
 * bills and fails cold starts that do I/O), no Node-only API and no Deno
 * API in the code a function bundles (the Workers config declares no
 * nodejs_compat; only shared/entry.ts may look for `Deno`), and dev-only
 * code (bridges, seeders, test helpers) never in a function's module graph.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const SERVICES = ["auth", "search", "checkout", "storefront"];
const LIBRARY_ENV = "USER,NODE_PG_FORCE_NATIVE";

/** The repository's own modules that `functions/<service>/main.ts` loads. */
async function ownModules(service: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `functions/${service}/main.ts`],
    cwd: ROOT,
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  return graph.modules.map((m) => m.specifier).filter((s) => s.startsWith(ROOT.href))
    .map((s) => s.slice(ROOT.href.length));
}

for (const service of SERVICES) {
  Deno.test(`functions/${service}/main.ts loads with no permissions at all`, async () => {
    const dir = await Deno.makeTempDir();
    const script = `${dir}/load.ts`;
    await Deno.writeTextFile(
      script,
      `const m = await import(${
        JSON.stringify(new URL(`functions/${service}/main.ts`, ROOT).href)
      });
if (typeof m.default?.fetch !== "function") throw new Error("no default { fetch } export");`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      // The Neon driver bundles pg, whose defaults read these at import; ours are all denied.
      args: ["run", "--no-prompt", `--allow-env=${LIBRARY_ENV}`, "--config", "deno.json", script],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    await Deno.remove(dir, { recursive: true });
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
  });

  Deno.test(`functions/${service} bundles no Node-only, Deno-only or dev-only code`, async () => {
    const offenders = [];
    for (const path of await ownModules(service)) {
      if (/^(dev|db|tests|bench)\//.test(path) || /_test\.ts$/.test(path)) {
        offenders.push(`${path}: dev-only module`);
        continue;
      }
      const text = await Deno.readTextFile(new URL(path, ROOT));
      if (/from\s+["']node:|\brequire\(|\bprocess\.env\b|\bBuffer\b/.test(text)) {
        offenders.push(`${path}: Node API`);
      }
      if (/\bDeno\.\w/.test(text) && path !== "shared/entry.ts") {
        offenders.push(`${path}: Deno API`);
      }
    }
    assert.deepEqual(offenders, []);
  });
}
