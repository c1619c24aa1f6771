/** Structured JSON logs, one line per event. Secrets and tokens never reach the output. */
export type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY =
  /pass(word)?|secret|token|authori[sz]ation|cookie|api[-_]?key|private|jwk|connection[-_]?string|database_url/i;
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const URL_PASSWORD = /(\w+:\/\/[^:\s/@]+:)[^@\s]+@/g;

/** Replaces secret-looking values; applied to every field before it is written. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") {
    return value.replace(JWT, "[jwt]").replace(URL_PASSWORD, "$1[redacted]@").replace(
      /Bearer\s+\S+/gi,
      "Bearer [redacted]",
    );
  }
  if (value instanceof Error) {
    return { name: value.name, message: redact(value.message), stack: redact(value.stack) };
  }
  if (Array.isArray(value)) return depth > 5 ? "[…]" : value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    if (depth > 5) return "[…]";
    return Object.fromEntries(
      Object.entries(value).map((
        [k, v],
      ) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1)]),
    );
  }
  return value;
}

/** A logger bound to a service and, inside a request, to its request id. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

// Typed for every context (set by createApp's logging middleware), as hono's
// request-id middleware declares `requestId`.
declare module "hono" {
  interface ContextVariableMap {
    log: Logger;
  }
}

/** Creates a logger writing JSON lines to the console at `level` and above. */
export function createLogger(base: Record<string, unknown>, level: Level = "info"): Logger {
  const write = (lvl: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level: lvl,
      msg: redact(msg),
      ...(redact({ ...base, ...fields }) as Record<string, unknown>),
    });
    if (lvl === "error") console.error(line);
    else if (lvl === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger({ ...base, ...fields }, level),
  };
}
