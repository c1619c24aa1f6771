/**
 * Upstash accepts Lua shebang flags that open-source Redis does not know
 * (`#!lua flags=allow-key-locking`, which @upstash/ratelimit puts on every
 * script); Redis 7.0 rejects the whole script for it. The bridge removes the
 * unknown flags before EVAL / SCRIPT LOAD and maps the client's SHA1 of the
 * original script to the SHA1 of the one Redis ran, so EVALSHA with the
 * hash the client computed keeps working, as it does against Upstash.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";

const UPSTASH_ONLY_FLAGS = new Set(["allow-key-locking"]);
const SHEBANG = /^#!lua(.*)\n/;

const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

/** Strips Upstash-only flags from a script's shebang line; returns it unchanged otherwise. */
export function localScript(script: string): string {
  const m = script.match(SHEBANG);
  if (!m) return script;
  const kept = m[1].trim().split(/\s+/).filter(Boolean).map((part) => {
    if (!part.startsWith("flags=")) return part;
    const flags = part.slice(6).split(",").filter((f) => f && !UPSTASH_ONLY_FLAGS.has(f));
    return flags.length ? `flags=${flags.join(",")}` : "";
  }).filter(Boolean);
  return `#!lua${kept.length ? ` ${kept.join(" ")}` : ""}\n${script.slice(m[0].length)}`;
}

/** Rewrites script commands for the local Redis and remembers original → local hashes. */
export class ScriptCompat {
  #localSha = new Map<string, string>();

  /** The command to send to Redis instead of `cmd`. */
  rewrite(cmd: string[]): string[] {
    const name = cmd[0].toLowerCase();
    if ((name === "eval" || name === "eval_ro") && cmd[1] !== undefined) {
      return [cmd[0], this.#remember(cmd[1]), ...cmd.slice(2)];
    }
    if (name === "script" && cmd[1]?.toLowerCase() === "load" && cmd[2] !== undefined) {
      return [cmd[0], cmd[1], this.#remember(cmd[2])];
    }
    if ((name === "evalsha" || name === "evalsha_ro") && cmd[1] !== undefined) {
      return [cmd[0], this.#localSha.get(cmd[1].toLowerCase()) ?? cmd[1], ...cmd.slice(2)];
    }
    if (name === "script" && cmd[1]?.toLowerCase() === "exists") {
      return [cmd[0], cmd[1], ...cmd.slice(2).map((h) => this.#localSha.get(h.toLowerCase()) ?? h)];
    }
    return cmd;
  }

  /** SCRIPT LOAD answers the hash of the script the client sent, as Upstash would. */
  reply(cmd: string[], reply: unknown): unknown {
    if (
      cmd[0].toLowerCase() === "script" && cmd[1]?.toLowerCase() === "load" && cmd[2] !== undefined
    ) {
      return Buffer.from(sha1(cmd[2]));
    }
    return reply;
  }

  #remember(script: string): string {
    const local = localScript(script);
    if (local !== script) this.#localSha.set(sha1(script), sha1(local));
    return local;
  }
}
