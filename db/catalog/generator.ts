/**
 * Deterministic catalog generator: the same seed gives the same products,
 * on any machine, at any size (a demo of a few thousand, benchmarks of
 * 100k or 1M). Brands, departments and kinds come from vocabulary.ts;
 * popularity has a long tail (a few products get most of it, as in real
 * stores); created_at spreads over the two years before a fixed epoch.
 */
import type { ProductInput } from "../../functions/search/product_schemas.ts";
import { ADJECTIVES, CLOSERS, COLORS, DEPARTMENTS, OPENERS, SERIES } from "./vocabulary.ts";

/** mulberry32: tiny, fast, good enough for test data; never for secrets. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fisher-Yates with `rand`: always `length - 1` draws. Sorting with a random
 * comparator drew as many as the engine's sort chose to compare, which made
 * the same seed give different products from one call to the next.
 */
function shuffle<T>(list: readonly T[], rand: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A generated product also carries its creation time (the API never takes one). */
export type GeneratedProduct = ProductInput & { created_at: string };

const EPOCH = Date.UTC(2025, 0, 1);
const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;

/**
 * Product `index` of the catalog for `seed`. Each product has its own PRNG
 * stream, so any slice (a batch, a worker's share) is generated alone.
 */
export function generateProduct(seed: number, index: number, idPrefix = "gen-"): GeneratedProduct {
  const rand = prng((seed * 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  const dept = pick(DEPARTMENTS);
  const kind = pick(dept.kinds);
  const brand = pick(dept.brands);
  const series = pick(SERIES);
  const model = `${series.slice(0, 1)}${100 + Math.floor(rand() * 900)}`;
  const color = pick(COLORS);
  const adjective = rand() < 0.4 ? `${pick(ADJECTIVES)} ` : "";
  const name = `${brand} ${series} ${adjective}${kind.noun} ${model} - ${color}`;
  const features = shuffle(kind.features, rand).slice(0, 2 + Math.floor(rand() * 2));
  const description =
    `${pick(OPENERS)} ${brand} ${series} ${kind.noun.toLowerCase()} in ${color.toLowerCase()}, ` +
    `with ${features.join(", ")}. ${pick(CLOSERS)}`;
  // Prices end in .99 or .49 like a shop's; log-uniform across the kind's range.
  const dollars = Math.exp(Math.log(kind.min) + rand() * (Math.log(kind.max) - Math.log(kind.min)));
  const price_cents = Math.max(99, Math.floor(dollars) * 100 + (rand() < 0.7 ? 99 : 49));
  // Pareto-ish tail: most products near zero, a few in the hundreds of thousands.
  const popularity = Math.floor(10 / Math.pow(1 - rand() * 0.999999, 1.2)) - 10;
  return {
    id: `${idPrefix}${String(index).padStart(7, "0")}`,
    name,
    description,
    brand,
    categories: [dept.name, kind.category],
    price_cents,
    currency: "USD",
    image_url: `https://images.example.com/products/${index}.jpg`,
    rating: Math.round((2.5 + rand() * 2.5) * 10) / 10,
    popularity,
    created_at: new Date(EPOCH - Math.floor(rand() * TWO_YEARS_MS)).toISOString(),
  };
}

/** Products `start` to `start + count - 1` of the catalog for `seed`. */
export function generateCatalog(
  seed: number,
  count: number,
  start = 0,
  idPrefix = "gen-",
): GeneratedProduct[] {
  return Array.from({ length: count }, (_, i) => generateProduct(seed, start + i, idPrefix));
}
