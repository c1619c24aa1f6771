/**
 * `deno task bundles`: bundles each function as Workers would deploy it
 * (`wrangler deploy --dry-run --env <function>`), prints its gzip size and
 * fails above the budget, or if a bundle holds dev-only code.
 */
import { FUNCTIONS } from "./local_env.ts";
import { wrangler } from "./wrangler.ts";
import { buildDocsAssets } from "./docs_assets.ts";

export const BUDGET_GZIP_BYTES = 300 * 1024;
/** Markers of code that must never reach a Worker: the bridges, seeders, test helpers. */
const DEV_ONLY = [
  "startNeonBridge",
  "startUpstashBridge",
  "ensureServers",
  "seedCatalog",
  "issueTestToken",
  "startStripeMock",
];

export interface BundleSize {
  service: string;
  bytes: number;
  gzipBytes: number;
  devOnly: string[];
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

/** Bundles one function with wrangler and measures it. */
export async function bundle(service: string): Promise<BundleSize> {
  await buildDocsAssets();
  const outdir = new URL(`../.wrangler/bundles/${service}/`, import.meta.url);
  await Deno.remove(outdir, { recursive: true }).catch(() => {});
  const out = await wrangler(
    ["deploy", "--dry-run", "--env", service, "--outdir", outdir.pathname],
    {
      quiet: true,
    },
  ).output();
  if (!out.success) {
    throw new Error(
      `Cannot bundle ${service}: ${new TextDecoder().decode(out.stderr)}${
        new TextDecoder().decode(out.stdout)
      }`,
    );
  }
  const js = await Deno.readFile(new URL("main.js", outdir));
  const text = new TextDecoder().decode(js);
  return {
    service,
    bytes: js.byteLength,
    gzipBytes: await gzipSize(js),
    devOnly: DEV_ONLY.filter((marker) => text.includes(marker)),
  };
}

if (import.meta.main) {
  let failed = false;
  for (const service of FUNCTIONS) {
    const b = await bundle(service);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const over = b.gzipBytes > BUDGET_GZIP_BYTES;
    console.log(
      `${service.padEnd(9)} ${kb(b.bytes).padStart(10)}  gzip ${kb(b.gzipBytes).padStart(9)}  ${
        over ? "OVER BUDGET" : "ok"
      }`,
    );
    if (b.devOnly.length) console.log(`  contains dev-only code: ${b.devOnly.join(", ")}`);
    failed ||= over || b.devOnly.length > 0;
  }
  console.log(`budget: ${BUDGET_GZIP_BYTES / 1024} KB gzip per function`);
  if (failed) Deno.exit(1);
}
