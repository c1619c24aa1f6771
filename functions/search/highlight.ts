/**
 * ts_headline marks matches with two private-use characters (U+E000/E001,
 * which product text does not use); here the text is HTML-escaped first and the
 * marks become <em>…</em>, so a product name holding markup can never
 * inject any into a storefront that renders highlights as HTML.
 */
const START = "\uE000";
const STOP = "\uE001";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** The highlighted HTML, or undefined when nothing in the text matched. */
export function toHighlight(marked: string | null): string | undefined {
  if (!marked || !marked.includes(START)) return undefined;
  return marked
    .replace(/[&<>"']/g, (ch) => ESCAPES[ch])
    .replaceAll(START, "<em>")
    .replaceAll(STOP, "</em>");
}
