import assert from "node:assert/strict";
const assertEquals = <T>(a: T, b: T, msg = "") => assert.deepEqual(a, b, msg);
import { fold, highlightAll, highlightFragments, queryTerms } from "./highlight.ts";

Deno.test("queryTerms reads lexemes and prefixes from tsquery text", () => {
  const t = queryTerms(`'laptops' | 'lap' <-> 'top' | 'o''neil' | 'headph':*`);
  assertEquals([...t.exact].sort(), ["lap", "laptops", "o'neil", "top"]);
  assertEquals(t.prefixes, ["headph"]);
  assertEquals(queryTerms(null).exact.size, 0);
});

Deno.test("fold lowers case and removes accents as catalog.folded does", () => {
  assertEquals(fold("CRÈME"), "creme");
  assertEquals(fold("Straße"), "strasse");
  assertEquals(fold("Øresund"), "oresund");
});

Deno.test("highlightAll marks every match, escapes the rest, and answers undefined without one", () => {
  const t = queryTerms(`'cafe' | 'creme' | 'esp':*`);
  assertEquals(
    highlightAll(`Café <Crème> & "Espresso"`, t),
    `<em>Café</em> &lt;<em>Crème</em>&gt; &amp; &quot;<em>Espresso</em>&quot;`,
  );
  assertEquals(highlightAll("Tea Maker", t), undefined);
});

Deno.test("highlightFragments: at most two fragments of at most 30 words around the matches", () => {
  const t = queryTerms(`'zephyr'`);
  const filler = (n: number, w: string) =>
    Array.from({ length: n }, (_, i) => `${w}${i}`).join(" ");
  const text = `${filler(50, "a")} Zephyr ${filler(50, "b")} zephyr ${filler(50, "c")} zephyr end`;
  const out = highlightFragments(text, t)!;
  const parts = out.split(" ... ");
  assertEquals(parts.length, 2);
  for (const p of parts) {
    const words = p.replace(/<\/?em>/g, "").split(" ");
    assertEquals(words.length <= 30 && words.length >= 12, true, p);
    assertEquals(/<em>zephyr<\/em>/i.test(p), true, p);
  }
  assertEquals(highlightFragments("nothing here", t), undefined);
  assertEquals(
    highlightFragments("A short Zephyr text, shown whole.", t),
    "A short <em>Zephyr</em> text, shown whole.",
  );
  assertEquals(highlightFragments("", t), undefined);
});
