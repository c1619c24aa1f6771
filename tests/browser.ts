/**
 * Headless Chromium for the browser tests: Debian's `/usr/bin/chromium`
 * (`apt-get install chromium`; .ci/run installs it) driven by playwright-core,
 * which downloads no browser of its own.
 */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

function chromiumInstalled(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

/**
 * Whether browser tests run: they do whenever Chromium is installed, and in CI
 * they never skip (a missing browser there fails the test instead).
 */
export function browserTestsIgnored(): boolean {
  if (chromiumInstalled() || Deno.env.get("CI")) return false;
  console.warn(`browser tests skipped: no ${CHROMIUM_PATH} (apt-get install chromium)`);
  return true;
}

/** Launches headless Chromium with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
  });
}

/** Runs `fn` with a fresh browser, closed afterwards whatever happens. */
export async function withBrowser<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launchChromium();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/** Serves `html` at `/` on a free loopback port: a page on an origin of its own. */
export function servePage(html: string, port = 0): { origin: string; close(): Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    () => new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } }),
  );
  return {
    origin: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    close: () => server.shutdown(),
  };
}
