/**
 * Loads a catalog from an NDJSON file (one product per line) or a JSON
 * array, validating each product with the same schema as the API and
 * writing valid ones in batches of one statement each. Rejected lines are
 * reported with their line number (item number for a JSON array) and why.
 *
 * Field mapping (the Best Buy demo file and most shop exports):
 * id ← id | sku | objectID (numbers become strings); price_cents ← price_cents
 * | round(price × 100); image_url ← image_url | image; categories ←
 * categories | category_path split on ">"; popularity, rating, brand,
 * description as they are. Unknown fields are ignored.
 */
// @ts-types="@types/pg"
import pg from "pg";
import { validateBatch } from "../../functions/search/bulk.ts";
import { BULK_UPSERT } from "../../functions/search/product_sql.ts";

export interface ImportOptions {
  /** Owner (or edgeshop_search) URL of the database to load into. */
  databaseUrl: string;
  batchSize?: number;
  /** Prepended to every id (e.g. to keep test imports apart). */
  idPrefix?: string;
  /** Progress lines ("imported 2000/3291"); default: none. */
  log?: (line: string) => void;
}

export interface ImportReport {
  read: number;
  created: number;
  updated: number;
  rejected: { line: number; id?: string; message: string }[];
  ms: number;
}

type Raw = Record<string, unknown>;

/** One source record → the API's product shape (validation happens after). */
export function mapRecord(raw: Raw, idPrefix = ""): Raw {
  const id = raw.id ?? raw.sku ?? raw.objectID;
  const price = raw.price_cents ??
    (typeof raw.price === "number" ? Math.round(raw.price * 100) : raw.price);
  const categories = raw.categories ??
    (typeof raw.category_path === "string"
      ? raw.category_path.split(">").map((s) => s.trim())
      : undefined);
  const popularity = typeof raw.popularity === "number"
    ? Math.max(0, Math.round(raw.popularity))
    : undefined;
  return {
    id: id === undefined || id === null ? undefined : `${idPrefix}${id}`,
    name: raw.name,
    description: raw.description ?? undefined,
    brand: raw.brand ?? undefined,
    categories,
    price_cents: price,
    currency: raw.currency ?? undefined,
    image_url: raw.image_url ?? raw.image ?? undefined,
    rating: typeof raw.rating === "number" ? raw.rating : undefined,
    popularity,
  };
}

/** Yields `[lineNumber, parsed record | parse error]` for an NDJSON file or a JSON array. */
async function* records(file: string): AsyncGenerator<[number, Raw | Error]> {
  const text = await Deno.readTextFile(file);
  if (text.trimStart().startsWith("[")) {
    const list = JSON.parse(text) as Raw[];
    for (let i = 0; i < list.length; i++) yield [i + 1, list[i]];
    return;
  }
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      yield [i + 1, JSON.parse(line)];
    } catch {
      yield [i + 1, new Error("Cannot parse the line: malformed JSON")];
    }
  }
}

/** Imports `file` into catalog.products; answers counts and the rejected lines. */
export async function importCatalog(file: string, opts: ImportOptions): Promise<ImportReport> {
  const batchSize = opts.batchSize ?? 1000;
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const report: ImportReport = { read: 0, created: 0, updated: 0, rejected: [], ms: 0 };
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  let batch: { line: number; item: Raw }[] = [];
  const flush = async () => {
    const { valid, errors } = validateBatch(batch.map((b) => b.item));
    for (const e of errors) {
      report.rejected.push({ line: batch[e.index].line, id: e.id, message: e.message });
    }
    if (valid.length) {
      const { rows: [row] } = await client.query(BULK_UPSERT, [JSON.stringify(valid)]);
      report.created += row.created;
      report.updated += row.updated;
    }
    batch = [];
    log(
      `imported ${
        report.created + report.updated
      }/${report.read} (${report.rejected.length} rejected)`,
    );
  };
  try {
    for await (const [line, record] of records(file)) {
      report.read++;
      if (record instanceof Error) {
        report.rejected.push({ line, message: record.message });
        continue;
      }
      batch.push({ line, item: mapRecord(record, opts.idPrefix) });
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length) await flush();
  } finally {
    await client.end();
  }
  report.ms = Math.round(performance.now() - t0);
  return report;
}

if (import.meta.main) {
  const [file] = Deno.args;
  if (!file) {
    console.error(
      "Usage: deno run -A db/catalog/import.ts FILE   (DATABASE_URL: owner URL)",
    );
    Deno.exit(2);
  }
  const databaseUrl = Deno.env.get("DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/edgeshop";
  const report = await importCatalog(file, { databaseUrl, log: console.log });
  console.log(
    `${report.created} created, ${report.updated} updated, ${report.rejected.length} rejected in ${report.ms} ms`,
  );
  for (const r of report.rejected.slice(0, 20)) {
    console.log(`  line ${r.line}${r.id ? ` (${r.id})` : ""}: ${r.message}`);
  }
}
