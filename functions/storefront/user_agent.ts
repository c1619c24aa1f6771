/**
 * A short device label ("Chrome on Linux") for the sessions page. Hand-written:
 * a label needs a handful of patterns, not a user-agent parsing library.
 */
const BROWSERS: [RegExp, string][] = [
  [/Edg\//, "Edge"],
  [/Firefox\//, "Firefox"],
  [/HeadlessChrome|Chrome\/|Chromium\//, "Chrome"],
  [/Safari\//, "Safari"],
  [/Deno\//, "Deno"],
  [/curl\//, "curl"],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPad/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

/** "Chrome on Linux", or "an unknown device". */
export function deviceName(ua: string | null): string {
  if (!ua) return "an unknown device";
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? "a browser";
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  return system ? `${browser} on ${system}` : browser;
}
