import type { MiddlewareHandler } from "hono";
import { ApiError } from "./errors.ts";

/**
 * Request headers (names, values and their `: ` and CRLF) above this many
 * bytes get 431 problem+json. Deno's HTTP server answers a bare 400 with no
 * body itself, before any app code runs, once the header block reaches
 * 64 KiB (measured: `header_limit_test.ts`; `deno serve` has no setting for
 * it), so the app draws its own line below that, where it still can answer
 * as API.md asks. Workers' own platform limit is higher (Cloudflare: 128 KB).
 */
export const MAX_HEADER_BYTES = 32 * 1024;

/** Middleware: 431 `request_header_fields_too_large` above `MAX_HEADER_BYTES`. */
export function headerLimit(): MiddlewareHandler {
  return async function headerLimit(c, next) {
    let bytes = 0;
    for (const [name, value] of c.req.raw.headers) bytes += name.length + value.length + 4;
    if (bytes > MAX_HEADER_BYTES) {
      throw new ApiError(
        431,
        "request_header_fields_too_large",
        `Cannot accept request headers over ${MAX_HEADER_BYTES / 1024} KiB`,
      );
    }
    await next();
  };
}
