/**
 * `GET /<service>/docs`: Swagger UI for the service's OpenAPI document, from
 * `swagger-ui-dist` at the version pinned in import_map.json, loading nothing
 * from any other origin (its CSP allows only this origin).
 *
 * The UI's bundle is about 460 KB gzip, more than a whole function may weigh
 * (300 KB), so it is never bundled into a function. It is served in front of
 * the function as a static asset, from the same origin and path on both
 * runtimes: on Workers by Workers Static Assets (wrangler.toml `assets`, the
 * files copied by dev/docs_assets.ts), on Deno by shared/entry.ts from
 * node_modules. The function itself serves only the page and its small
 * start-up script.
 */
import { Hono } from "hono";

/** The vendor files the page loads, as shipped in swagger-ui-dist, with their content types. */
export const DOCS_VENDOR_FILES: Record<string, string> = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
};

const ASSET_PATH = /^\/(auth|search|checkout)\/docs\/assets\/([\w.-]+)$/;

/** The swagger-ui-dist file a request path names (`/<service>/docs/assets/<file>`), if any. */
export function docsVendorFile(pathname: string): string | undefined {
  const file = ASSET_PATH.exec(pathname)?.[2];
  return file && Object.hasOwn(DOCS_VENDOR_FILES, file) ? file : undefined;
}

/** Scripts, styles and the spec only from this origin; nothing framed, posted or embedded. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI (React) sets style attributes; no stylesheet comes from anywhere else.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

// The page's own script, served as a file so the CSP needs no inline script.
// validatorUrl: null keeps Swagger UI from calling its online validator.
const START = `const el = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: el.dataset.url,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  displayOperationId: true,
});
`;

/** The docs page and its start-up script under `/<service>/docs`. */
export function docsRoutes(service: string) {
  const base = `/${service}/docs`;
  const headers = {
    "Content-Security-Policy": DOCS_CSP,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
  };
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Edgeshop ${escapeHtml(service)} API</title>
<link rel="stylesheet" href="${base}/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-url="/${escapeHtml(service)}/openapi.json"></div>
<script src="${base}/assets/swagger-ui-bundle.js"></script>
<script src="${base}/assets/start.js"></script>
</body>
</html>
`;
  return new Hono()
    .get(base, (c) => c.html(page, 200, headers))
    .get(
      `${base}/assets/start.js`,
      (c) => c.body(START, 200, { ...headers, "Content-Type": "text/javascript; charset=utf-8" }),
    );
}
