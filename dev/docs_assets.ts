/**
 * Lays out the docs page's vendor files for Workers Static Assets: each
 * Worker's assets directory (wrangler.toml `[env.<service>.assets]`) holds
 * them at the path the page asks for, `/<service>/docs/assets/<file>`, so
 * Cloudflare serves them before the Worker runs and they never count against
 * its bundle budget (shared/docs.ts says why). Runs before every wrangler
 * command (dev/wrangler.ts); `deno task docs:assets` runs it alone.
 */
import { DOCS_VENDOR_FILES } from "../shared/docs.ts";
import { SERVICES } from "./local_env.ts";

const SOURCE = new URL("../node_modules/swagger-ui-dist/", import.meta.url);
export const DOCS_ASSETS_DIR = new URL("../.wrangler/docs-assets/", import.meta.url);

/** Copies swagger-ui-dist's files (from `deno install`) into each service's assets directory. */
export async function buildDocsAssets(): Promise<void> {
  for (const service of SERVICES) {
    const dir = new URL(`${service}/${service}/docs/assets/`, DOCS_ASSETS_DIR);
    await Deno.mkdir(dir, { recursive: true });
    for (const file of [...Object.keys(DOCS_VENDOR_FILES), "LICENSE"]) {
      await Deno.copyFile(new URL(file, SOURCE), new URL(file, dir));
    }
  }
}

if (import.meta.main) {
  await buildDocsAssets();
  console.log(`docs assets in ${DOCS_ASSETS_DIR.pathname}`);
}
