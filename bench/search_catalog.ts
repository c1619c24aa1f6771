/**
 * The scale bench's catalog and query mix. Products reuse the Icecat names
 * and descriptions (../shared/data/icecat, when present) as their word
 * source, so term statistics look like a real catalog's: product i is Icecat
 * product i mod n with one name word swapped for a word of another product
 * and a model number of its own, so a million products are not 51 copies of
 * the same 19,406. Without the data it falls back to db/catalog/generator.ts.
 */
import { generateCatalog, type GeneratedProduct, prng } from "../db/catalog/generator.ts";

interface Source {
  name: string;
  description: string | null;
  brand: string | null;
  product_type: string | null;
  price: number;
}

const EPOCH = Date.UTC(2025, 0, 1);

/** A batch maker: products `start` to `start + count - 1`, deterministic. */
export type CatalogSlice = (start: number, count: number) => GeneratedProduct[];

/** The Icecat-worded catalog if the data is in `dir`, else the generated one. */
export async function benchCatalog(
  dir: string | null,
): Promise<{ slice: CatalogSlice; source: string }> {
  const text = dir ? await Deno.readTextFile(`${dir}/products.ndjson`).catch(() => null) : null;
  if (!text) {
    return {
      slice: (start, count) => generateCatalog(42, count, start, "gen-"),
      source: "generator",
    };
  }
  const src = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Source);
  const slice: CatalogSlice = (start, count) =>
    Array.from({ length: count }, (_, k) => {
      const i = start + k;
      const rand = prng(i * 2654435761);
      const base = src[i % src.length];
      const other = src[Math.floor(rand() * src.length)].name.split(" ");
      const words = base.name.split(" ");
      if (words.length > 2) {
        words[1 + Math.floor(rand() * (words.length - 1))] = other[other.length - 1];
      }
      words.push(`X${i.toString(36)}`);
      return {
        id: `ic-${String(i).padStart(7, "0")}`,
        name: words.join(" ").slice(0, 500),
        description: base.description ?? "",
        brand: base.brand ?? "",
        categories: [base.product_type || "Electronics"],
        price_cents: Math.max(99, Math.round(base.price * 100 * (0.5 + rand()))),
        currency: "USD" as const,
        image_url: null,
        rating: null,
        popularity: Math.floor(10 / Math.pow(1 - rand() * 0.999999, 1.2)) - 10,
        created_at: new Date(EPOCH - Math.floor(rand() * 63_072_000_000)).toISOString(),
      };
    });
  return { slice, source: "Icecat names and descriptions" };
}

const enc = (q: string) => `q=${encodeURIComponent(q)}`;

/** One query of the mix; `depth` > 0: timed on the page reached after that many pages. */
export interface MixQuery {
  kind: string;
  query: string;
  depth?: number;
}

/** The fixed mix: 100 queries of seven kinds. */
export const QUERY_MIX: MixQuery[] = [
  ...[
    "headphones",
    "samsung",
    "laptop",
    "notebook",
    "keyboard",
    "monitor",
    "printer",
    "toner",
    "cable",
    "mouse",
    "projector",
    "camera",
    "speaker",
    "router",
    "battery",
    "charger",
    "tablet",
    "scanner",
    "memory",
    "adapter",
  ].map((q) => ({ kind: "one word", query: enc(q) })),
  ...[
    "wireless headphones",
    "gaming mouse",
    "laptop bag",
    "usb cable",
    "bluetooth speaker",
    "laser printer",
    "hp toner",
    "external drive",
    "digital camera",
    "phone case",
    "hdmi cable",
    "power adapter",
    "ink cartridge",
    "wireless keyboard",
    "lcd monitor",
    "memory card",
    "network switch",
    "dvd player",
    "laptop case",
    "docking station",
  ].map((q) => ({ kind: "two words", query: enc(q) })),
  ...[
    "headphnoes",
    "samsnug",
    "laptpo",
    "keybaord",
    "moniter",
    "printr",
    "camrea",
    "speakr",
    "ruoter",
    "batery",
    "chrager",
    "scaner",
    "adaptre",
    "projecter",
    "catridge",
  ].map((q) => ({ kind: "typo", query: enc(q) })),
  ...[
    "headph",
    "sams",
    "lapt",
    "note",
    "keyb",
    "moni",
    "prin",
    "cab",
    "mou",
    "proj",
    "cam",
    "spea",
    "rou",
    "batt",
    "char",
  ].map((q) => ({ kind: "prefix", query: enc(q) })),
  ...[
    "q=headphones&brand=Sony",
    "q=laptop&max_price=80000",
    "q=toner&brand=HP&sort=price_asc",
    "q=speaker&in_stock=true",
    "q=case&brand=Samsung&brand=Apple",
    "q=cable&min_price=1000",
    "q=mouse&sort=price_desc",
    "q=printer&sort=newest",
    "q=monitor&in_stock=false&limit=50",
    "q=black&limit=100",
  ].map((query) => ({ kind: "filtered", query })),
  ...[
    "category=Electronics",
    "category=Notebook",
    "brand=HP",
    "sort=price_asc&max_price=2000",
    "",
    "sort=newest",
    "min_price=100000&sort=price_desc",
    "category=Electronics&brand=Canon",
    "brand=Samsung&in_stock=true",
    "category=Headphones",
  ].map((query) => ({ kind: "browse", query })),
  ...[
    "q=cable",
    "q=toner",
    "q=notebook",
    "q=black",
    "category=Electronics",
    "category=Electronics&sort=price_asc",
    "brand=HP&sort=newest",
    "q=usb",
    "q=laptop",
    "q=hp",
  ].map((query) => ({ kind: "deep cursor (page 10)", query, depth: 9 })),
];
