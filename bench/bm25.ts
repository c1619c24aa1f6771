/**
 * The yardstick for bench/relevance.ts: textbook BM25 over the same products,
 * written small and plainly (it is not product code), and NDCG@10.
 *
 * BM25 as the Icecat README's reference (which this reproduces: 0.744): k1
 * 1.2, b 0.75, no stemming, one document per product in which the name
 * counts three times, the brand twice and the description once (field
 * weights as repeated text, so one length normalisation covers them). Any
 * query word may match (OR), as BM25 does.
 */

/** Lower-cased runs of letters, digits and underscores: no stemming, no folding beyond case. */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

export interface Doc {
  id: string;
  name: string;
  brand: string;
  description: string;
}

const K1 = 1.2;
const B = 0.75;

const weighted = (d: Doc) => [
  ...Array(3).fill(tokens(d.name)).flat(),
  ...Array(2).fill(tokens(d.brand)).flat(),
  ...tokens(d.description),
];

/** An in-memory BM25 index over `docs`. */
export class Bm25 {
  #postings = new Map<string, Map<number, number>>(); // term → doc index → term frequency
  #lengths: number[];
  #avgLength: number;

  constructor(readonly docs: Doc[]) {
    this.#lengths = docs.map((doc, i) => {
      const words = weighted(doc);
      for (const w of words) {
        let p = this.#postings.get(w);
        if (!p) this.#postings.set(w, p = new Map());
        p.set(i, (p.get(i) ?? 0) + 1);
      }
      return words.length;
    });
    this.#avgLength = this.#lengths.reduce((a, b) => a + b, 0) / Math.max(1, docs.length);
  }

  /** The ids of the `k` best documents for `query`. */
  search(query: string, k = 10): string[] {
    const n = this.docs.length;
    const scores = new Map<number, number>();
    for (const term of tokens(query)) {
      const posting = this.#postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (n - posting.size + 0.5) / (posting.size + 0.5));
      for (const [doc, tf] of posting) {
        const norm = 1 - B + B * this.#lengths[doc] / this.#avgLength;
        scores.set(doc, (scores.get(doc) ?? 0) + idf * tf * (K1 + 1) / (tf + K1 * norm));
      }
    }
    return [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k)
      .map(([doc]) => this.docs[doc].id);
  }
}

/**
 * NDCG@10 with graded gains 2^rating − 1; a product without a judgment
 * counts as irrelevant. The ideal ranking is the judged products by rating.
 */
export function ndcg(ranked: string[], ratings: Map<string, number>, k = 10): number {
  const dcg = (gains: number[]) =>
    gains.slice(0, k).reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  const ideal = dcg([...ratings.values()].sort((a, b) => b - a));
  return ideal === 0 ? 0 : dcg(ranked.map((id) => ratings.get(id) ?? 0)) / ideal;
}
