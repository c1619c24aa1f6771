/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { Alert } from "./layout.tsx";

const TITLES: Record<number, string> = {
  403: "Not allowed",
  404: "Page not found",
  500: "Something went wrong",
  503: "Please try again",
};

/** A whole page that says what went wrong in the shopper's words (with a retry link when it helps). */
export function errorPage(
  c: Context,
  status: ContentfulStatusCode,
  message: string,
  opts: { retry?: boolean } = {},
): Response | Promise<Response> {
  c.status(status);
  if (status === 503) c.header("Retry-After", "5");
  const retryHref = c.req.method === "GET" ? c.req.url : c.req.header("Referer") ?? "/";
  return c.render(
    <>
      <h1>{TITLES[status] ?? "Something went wrong"}</h1>
      <Alert>{message}</Alert>
      {opts.retry
        ? (
          <p>
            <a href={new URL(retryHref, c.req.url).pathname + new URL(retryHref, c.req.url).search}>
              Try again
            </a>
          </p>
        )
        : null}
      <p>
        <a href="/">Back to the shop</a>
      </p>
    </>,
    { title: TITLES[status] ?? "Error" },
  );
}
