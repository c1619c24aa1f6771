/**
 * Highlights for the returned page, computed here rather than by Postgres'
 * ts_headline (which was a quarter of the search statement's time at 10,000
 * products, and this function scales out where Postgres does not).
 *
 * The words to mark are the query's lexemes as Postgres matched them: every
 * variant of every word (word forms, typo corrections, compounds, synonyms)
 * and the last word as a prefix, read from the tsquery text catalog.search
 * answers (`'laptops' | 'laptop' | 'headph':*`). Text is split into words
 * and folded as the documents' configuration does (unaccented, lower case),
 * so "Café" is marked for "cafe". Everything is HTML-escaped first and
 * matches are wrapped in <em>…</em>, so a product name holding markup can
 * never inject any into a storefront that renders highlights as HTML.
 */

/** The lexemes a tsquery's text names, and those it takes as prefixes. */
export interface QueryTerms {
  exact: Set<string>;
  prefixes: string[];
}

// A quoted lexeme ('' inside is a quote), perhaps followed by weights and a prefix mark.
const LEXEME = /'((?:[^']|'')*)'(:[*A-D]+)?/g;

/** Parses the lexemes out of tsquery text (as Postgres prints it). */
export function queryTerms(tsquery: string | null | undefined): QueryTerms {
  const terms: QueryTerms = { exact: new Set(), prefixes: [] };
  for (const [, quoted, flags] of (tsquery ?? "").matchAll(LEXEME)) {
    const lexeme = quoted.replaceAll("''", "'");
    if (flags?.includes("*")) terms.prefixes.push(lexeme);
    else terms.exact.add(lexeme);
  }
  return terms;
}

// Letters unaccent maps to more than a base letter plus marks (the common ones in product text).
const LIGATURES: Record<string, string> = {
  "ß": "ss",
  "æ": "ae",
  "œ": "oe",
  "ø": "o",
  "ł": "l",
  "đ": "d",
  "ð": "d",
  "þ": "th",
  "ı": "i",
};

/** A word as catalog.folded indexes it: lower case, accents removed. */
export function fold(word: string): string {
  return word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
    .replace(/[ßæœøłđðþı]/g, (ch) => LIGATURES[ch]);
}

const WORD = /[\p{L}\p{N}]+/gu;

interface Word {
  start: number;
  end: number;
  hit: boolean;
}

function words(text: string, terms: QueryTerms): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    const folded = fold(m[0]);
    const hit = terms.exact.has(folded) || terms.prefixes.some((p) => folded.startsWith(p));
    out.push({ start: m.index, end: m.index + m[0].length, hit });
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);

/** `text` from word `from` to word `to` (inclusive), escaped, matches marked. */
function render(text: string, ws: Word[], from: number, to: number, whole: boolean): string {
  let out = "";
  let at = whole ? 0 : ws[from].start;
  for (let i = from; i <= to; i++) {
    const w = ws[i];
    if (!w.hit) continue;
    out += `${escape(text.slice(at, w.start))}<em>${escape(text.slice(w.start, w.end))}</em>`;
    at = w.end;
  }
  return out + escape(text.slice(at, whole ? text.length : ws[to].end));
}

/** The whole text with every match marked, or undefined when nothing matched (names). */
export function highlightAll(text: string, terms: QueryTerms): string | undefined {
  const ws = words(text, terms);
  if (!ws.some((w) => w.hit)) return undefined;
  return render(text, ws, 0, ws.length - 1, true);
}

const MAX_WORDS = 30;
const MIN_WORDS = 12;
const MAX_FRAGMENTS = 2;
const BEFORE = 4; // words of context before a fragment's first match

/**
 * A description of at most 30 words whole, else up to two fragments of at
 * most 30 words (at least 12) around the matches, joined by " ... " as
 * ts_headline joins them; undefined when nothing matched.
 */
export function highlightFragments(text: string, terms: QueryTerms): string | undefined {
  const ws = words(text, terms);
  if (!ws.some((w) => w.hit)) return undefined;
  // A text within one fragment's length is shown whole.
  if (ws.length <= MAX_WORDS) return render(text, ws, 0, ws.length - 1, true);
  const fragments: string[] = [];
  let next = 0;
  while (fragments.length < MAX_FRAGMENTS) {
    const first = ws.findIndex((w, i) => i >= next && w.hit);
    if (first < 0) break;
    const from = Math.max(next, first - BEFORE);
    const to = Math.min(ws.length, from + MAX_WORDS) - 1;
    // End a word or so after the last match in the window, keeping at least MIN_WORDS.
    let last = first;
    for (let i = first; i <= to; i++) if (ws[i].hit) last = i;
    const end = Math.min(to, Math.max(from + MIN_WORDS - 1, last + BEFORE));
    fragments.push(render(text, ws, from, end, false));
    next = end + 1;
  }
  return fragments.length ? fragments.join(" ... ") : undefined;
}
