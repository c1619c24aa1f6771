/**
 * What the Neon bridge's HTTP and WebSocket halves share: the error that
 * carries a status, error responses, and the allow-list of Postgres addresses.
 */
// @ts-types="@types/pg"
import pg from "pg";

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

/** The fields of a Postgres ErrorResponse that the client copies onto NeonDbError. */
// deno-fmt-ignore
const ERROR_FIELDS = [
  "code", "severity", "detail", "hint", "position", "internalPosition",
  "internalQuery", "where", "schema", "table", "column", "dataType",
  "constraint", "file", "line", "routine",
] as const;

/** A thrown error as the driver expects it: Postgres errors keep their fields, the rest is 502. */
export function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) {
    return json(err.status, { message: err.message });
  }
  if (err instanceof pg.DatabaseError) {
    const body: Record<string, unknown> = { message: err.message };
    for (const k of ERROR_FIELDS) body[k] = err[k];
    return json(400, body);
  }
  // Not a Postgres error: Postgres unreachable, connection dropped, etc.
  const message = err instanceof Error ? err.message : String(err);
  return json(502, { message: `neon bridge: ${message}` });
}

/** "host:port" → parts; the port defaults to 5432 as in libpq. */
export function hostPort(address: string): { hostname: string; port: number } {
  const i = address.lastIndexOf(":");
  const host = i < 0 ? address : address.slice(0, i);
  const hostname = host.replace(/^\[|\]$/g, ""); // IPv6 literal
  const port = i < 0 ? 5432 : Number(address.slice(i + 1));
  if (!hostname || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new HttpError(400, `bad address ${JSON.stringify(address)}`);
  }
  return { hostname, port };
}

/** Throws 403 unless `hostname:port` is one of the allowed Postgres addresses. */
export type CheckAllowed = (hostname: string, port: number) => void;

/** A dev proxy, never an open relay: only local Postgres and `extra` addresses. */
export function allowList(extra: string[] = []): CheckAllowed {
  const allowed = new Set(["127.0.0.1:5432", "localhost:5432"]);
  for (const h of extra) allowed.add(h);
  return (hostname, port) => {
    const key = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
    if (!allowed.has(key)) throw new HttpError(403, `${key} is not allowed`);
  };
}
