/**
 * Static assets served by the function itself (no bucket, no build step):
 * each at a URL holding a hash of its content, cached immutably, so a
 * deploy changes the URL and no browser keeps a stale copy.
 */
import { Hono } from "hono";
import { sha256Hex } from "../../shared/encoding.ts";
import { CSS } from "./assets/style_css.ts";
import { JS } from "./assets/script_js.ts";

export interface AssetUrls {
  css: string;
  js: string;
}

let urls: Promise<AssetUrls> | undefined;

/** The current asset URLs (hashed once per isolate, on first use). */
export function assetUrls(): Promise<AssetUrls> {
  urls ??= (async () => ({
    css: `/assets/app.${(await sha256Hex(CSS)).slice(0, 12)}.css`,
    js: `/assets/app.${(await sha256Hex(JS)).slice(0, 12)}.js`,
  }))();
  return urls;
}

/** The hashed static assets' router. */
export function assetRoutes() {
  return new Hono().get("/assets/:file", async (c) => {
    const { css, js } = await assetUrls();
    const path = c.req.path;
    const [body, type] = path === css
      ? [CSS, "text/css; charset=utf-8"]
      : path === js
      ? [JS, "text/javascript; charset=utf-8"]
      : [null, ""];
    if (body === null) return c.text("Not found", 404);
    return c.body(body, 200, {
      "Content-Type": type,
      "Cache-Control": "public, max-age=31536000, immutable",
    });
  });
}
