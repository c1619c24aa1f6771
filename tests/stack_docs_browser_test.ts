/**
 * Each service's /docs page, loaded in headless Chromium through the gateway
 * with every other origin blocked, lists every operation of the service's
 * OpenAPI document, with no request refused and no CSP violation.
 */
import assert from "node:assert/strict";
import { browserTestsIgnored, withBrowser } from "./browser.ts";

const BASE = Deno.env.get("E2E_BASE_URL");
const ignore = !BASE || browserTestsIgnored();
if (!BASE) console.warn("docs browser test: skipped, run it through `deno task test`");

const METHODS = ["get", "put", "post", "delete", "patch"];

for (const service of ["auth", "search", "checkout"]) {
  Deno.test({
    name: `GET /${service}/docs lists every operation with no network beyond its own origin`,
    ignore,
    fn: async () => {
      const doc = JSON.parse(
        await Deno.readTextFile(new URL(`../docs/openapi/${service}.json`, import.meta.url)),
      );
      const operations: string[] = Object.values(doc.paths as Record<string, object>).flatMap(
        (item) =>
          Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([, op]) => op.operationId),
      );
      const origin = new URL(BASE!).origin;
      await withBrowser(async (browser) => {
        const context = await browser.newContext();
        const blocked: string[] = [];
        await context.route("**/*", (route) => {
          const url = route.request().url();
          if (new URL(url).origin === origin) return route.continue();
          blocked.push(url);
          return route.abort();
        });
        const page = await context.newPage();
        const problems: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") problems.push(m.text());
        });
        page.on("pageerror", (e) => problems.push(e.message));
        const res = await page.goto(`${BASE}/${service}/docs`);
        assert.equal(res?.status(), 200);
        assert.match(res!.headers()["content-security-policy"], /script-src 'self'/);
        await page.waitForSelector(".opblock", { timeout: 15_000 });
        const shown = await page.$$eval(
          ".opblock .opblock-summary-operation-id",
          (els) => els.map((e) => e.textContent?.trim() ?? ""),
        );
        assert.deepEqual(shown.sort(), [...operations].sort());
        assert.ok(await page.isVisible(`text=Edgeshop ${service}`));
        assert.deepEqual(blocked, [], "the page tried to reach another origin");
        assert.deepEqual(problems, [], "console errors (CSP violations among them)");
        await context.close();
      });
    },
  });
}
