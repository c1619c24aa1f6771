/**
 * Reason phrases for the statuses the services answer with (problem `title`).
 * Hand-written because hono has no such table, @std/http's STATUS_TEXT is on
 * JSR only (this project takes npm packages), and npm's `statuses` (like
 * node:http) still says "Payload Too Large" and "Unprocessable Entity"
 * where RFC 9110 says "Content Too Large" and "Unprocessable Content".
 */
export const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};
