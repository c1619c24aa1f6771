import { Redis } from "@upstash/redis";
import type { BaseEnv } from "./env.ts";

/** Options for a Redis client on a hot path. */
export interface RedisOptions {
  /** Retries of a failed fetch (network error); default 1, instead of the client's ~12 s loop. */
  retries?: number;
  /** Aborts every command once it fires; default: REDIS_TIMEOUT_MS from now. */
  signal?: AbortSignal;
  /**
   * For a client that writes UTF-8 text as is (the search cache's writes;
   * its lookups use `redisBytes` below): replies come as plain JSON strings
   * instead of base64 (the client decodes base64 through a byte loop),
   * nothing is JSON-parsed on the way back, and commands are sent as they are
   * issued rather than auto-pipelined (such a client sends one command a request).
   */
  text?: boolean;
}

/**
 * An Upstash REST client for this request. The signal goes in as a function:
 * @upstash/redis then throws the abort error, where with a plain signal it
 * would resolve the aborted command with the abort reason as its result.
 */
export function redisClient(env: BaseEnv, opts: RedisOptions = {}): Redis {
  const signal = opts.signal ?? AbortSignal.timeout(env.REDIS_TIMEOUT_MS);
  return new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    enableTelemetry: false,
    retry: { retries: opts.retries ?? 1, backoff: () => 50 },
    signal: () => signal,
    ...(opts.text
      ? { responseEncoding: false, automaticDeserialization: false, enableAutoPipelining: false }
      : {}),
  });
}

// Native where the runtime has it (Deno 2.5+, workerd since V8 14); a byte loop elsewhere.
const fromBase64: (b64: string) => Uint8Array<ArrayBuffer> =
  typeof Uint8Array.fromBase64 === "function" ? (b64) => Uint8Array.fromBase64(b64) : (b64) => {
    const binary = atob(b64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  };

/**
 * One command over the Upstash REST API whose reply is a string, given back
 * as the bytes Redis holds (null for a nil reply); aborted by `signal`.
 *
 * For a hot path that serves stored bytes (the search cache's lookup). An
 * @upstash/redis client hands a string back either JSON-escaped inside the
 * reply (`text: true`: the whole entry goes through JSON.parse, escapes and
 * all) or base64 decoded through a byte loop and TextDecoder, and building
 * the client reads the environment and merges headers on every request; together
 * that was half of a cached search hit (bench/search_hit.ts). Here the reply
 * is base64 (`Upstash-Encoding`, as the client asks for by default) and is
 * decoded natively, straight to bytes a Response can send as they are.
 */
export async function redisBytes(
  env: BaseEnv,
  command: (string | number)[],
  signal: AbortSignal,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const res = await fetch(env.UPSTASH_REDIS_REST_URL, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${env.UPSTASH_REDIS_REST_TOKEN}`,
      "Content-Type": "application/json",
      "Upstash-Encoding": "base64",
    },
    body: JSON.stringify(command),
    signal,
  });
  const reply = await res.json() as { result?: unknown; error?: string };
  if (!res.ok || reply.error !== undefined) {
    throw new Error(`Upstash answered ${res.status}: ${reply.error ?? "no error message"}`);
  }
  if (reply.result === null) return null;
  if (typeof reply.result !== "string") {
    throw new TypeError(`Upstash answered a ${typeof reply.result}, not a string`);
  }
  return fromBase64(reply.result);
}
