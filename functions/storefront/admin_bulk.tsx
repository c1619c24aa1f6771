/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * NDJSON bulk upload: one product (the API's JSON shape) per line, pasted or
 * as a file. Lines that are not JSON are reported here; the rest go to
 * search's bulk endpoint in one call, and its per-item errors are mapped back
 * to line numbers.
 */
import { AdminNav } from "./admin_nav.tsx";
import { api, type Ctx } from "./deps.ts";
import { Alert } from "./layout.tsx";
import { type Problem, problemMessage } from "./problems.ts";

const MAX_ITEMS = 1000;

export interface LineError {
  line: number;
  id?: string;
  message: string;
}

export interface BulkOutcome {
  created: number;
  updated: number;
  errors: LineError[];
  top?: string;
}

export function BulkReport(props: { outcome?: BulkOutcome; text?: string }) {
  const o = props.outcome;
  return (
    <>
      <AdminNav />
      <h1>Bulk upload</h1>
      <p>
        One product per line as JSON, like{" "}
        <code>
          {`{"id":"sku-1","name":"Lamp","brand":"Acme","price_cents":1999,"categories":["Home"]}`}
        </code>. At most {MAX_ITEMS} lines.
      </p>
      {o?.top ? <Alert>{o.top}</Alert> : null}
      {o && !o.top
        ? (
          <p class="notice" role="status">
            Created {o.created}, updated {o.updated}, {o.errors.length}{" "}
            {o.errors.length === 1 ? "line" : "lines"} refused.
          </p>
        )
        : null}
      {o?.errors.length
        ? (
          <section aria-labelledby="refused">
            <h2 id="refused">Refused lines</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">ID</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {o.errors.map((e) => (
                  <tr>
                    <td>{e.line}</td>
                    <td>{e.id ?? ""}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )
        : null}
      <form method="post" action="/admin/products/bulk" enctype="multipart/form-data">
        <label for="ndjson">Products (NDJSON)</label>
        <textarea id="ndjson" name="ndjson" rows={10}>{props.text ?? ""}</textarea>
        <label for="file">Or an NDJSON file</label>
        <input
          id="file"
          type="file"
          name="file"
          accept=".ndjson,.jsonl,.json,application/x-ndjson"
        />
        <p>
          <button type="submit">Upload</button>
        </p>
      </form>
    </>
  );
}

/** POST /admin/products/bulk: parses the lines, uploads the good ones, reports per line. */
export async function bulkUpload(c: Ctx) {
  const form = await c.req.parseBody();
  const file = form.file instanceof File && form.file.size > 0 ? await form.file.text() : "";
  const text = file || String(form.ndjson ?? "");
  const errors: LineError[] = [];
  const items: unknown[] = [];
  const lineOf: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      items.push(JSON.parse(raw));
      lineOf.push(i + 1);
    } catch {
      errors.push({ line: i + 1, message: "Not valid JSON" });
    }
  });
  const render = (outcome: BulkOutcome) =>
    c.render(<BulkReport outcome={outcome} text={file ? "" : text} />, { title: "Bulk upload" });
  if (items.length > MAX_ITEMS) {
    c.status(413);
    return render({
      created: 0,
      updated: 0,
      errors: [],
      top: `Upload at most ${MAX_ITEMS} lines at a time.`,
    });
  }
  if (!items.length) {
    return render({
      created: 0,
      updated: 0,
      errors,
      top: errors.length ? undefined : "Paste or choose some NDJSON first.",
    });
  }
  const { data, error } = await api(c).search.POST("/search/products/bulk", {
    // Each line is checked by search itself; refusals come back per item.
    body: { products: items } as never,
  });
  if (!data) {
    c.status(400);
    return render({ created: 0, updated: 0, errors, top: problemMessage(error as Problem) });
  }
  for (const e of data.errors) {
    errors.push({ line: lineOf[e.index], id: e.id ?? undefined, message: e.message });
  }
  errors.sort((a, b) => a.line - b.line);
  return render({ created: data.created, updated: data.updated, errors });
}
