/** Runs the pinned wrangler (its newest release does not always install here). */
export const WRANGLER = "wrangler@4.86.0";

/** `npx wrangler@<pinned> ...args` in the repository root (call `buildDocsAssets()` first). */
export function wrangler(
  args: string[],
  opts: { env?: Record<string, string>; quiet?: boolean } = {},
) {
  return new Deno.Command("npx", {
    args: ["--yes", WRANGLER, ...args],
    cwd: new URL("..", import.meta.url),
    env: { WRANGLER_SEND_METRICS: "false", ...opts.env },
    stdout: opts.quiet ? "piped" : "inherit",
    stderr: opts.quiet ? "piped" : "inherit",
  });
}
