/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The results page: hits, facets as checkbox groups with counts, a price
 * range, sort and "Next page". One GET form carries every filter, so it all
 * works without JavaScript (the script only submits on change).
 */
import type { components, paths } from "./api/search.ts";
import { Alert, money } from "./layout.tsx";
import { ProductCard } from "./product_card.tsx";

type Result = components["schemas"]["SearchResult"];
type Query = NonNullable<paths["/search/products"]["get"]["parameters"]["query"]>;
type Sort = NonNullable<Query["sort"]>;

const SORTS: [Sort, string][] = [
  ["relevance", "Best match"],
  ["popularity", "Most popular"],
  ["price_asc", "Price: low to high"],
  ["price_desc", "Price: high to low"],
  ["newest", "Newest"],
];

export interface SearchParams {
  query: Query;
  /** Price range as typed, in dollars. */
  min: string;
  max: string;
}

const dollarsToCents = (text: string | null) => {
  if (!text || !/^\d{1,8}(\.\d{0,2})?$/.test(text.trim())) return undefined;
  return Math.round(Number(text.trim()) * 100);
};

/** The search API query for a results page URL (prices typed in dollars). */
export function searchParams(href: string): SearchParams {
  const u = new URL(href).searchParams;
  const sort = SORTS.find(([s]) => s === u.get("sort"))?.[0];
  const query: Query = {
    q: u.get("q")?.trim() || undefined,
    brand: u.getAll("brand").filter(Boolean),
    category: u.getAll("category").filter(Boolean),
    min_price: dollarsToCents(u.get("min")),
    max_price: dollarsToCents(u.get("max")),
    sort,
    cursor: u.get("cursor") || undefined,
    limit: 24,
  };
  return { query, min: u.get("min") ?? "", max: u.get("max") ?? "" };
}

function nextHref(p: SearchParams, cursor: string): string {
  const u = new URLSearchParams();
  if (p.query.q) u.set("q", p.query.q);
  for (const b of [p.query.brand ?? []].flat()) u.append("brand", b);
  for (const cat of [p.query.category ?? []].flat()) u.append("category", cat);
  if (p.min) u.set("min", p.min);
  if (p.max) u.set("max", p.max);
  if (p.query.sort) u.set("sort", p.query.sort);
  u.set("cursor", cursor);
  return `/products?${u}`;
}

function Facet(
  props: {
    name: string;
    legend: string;
    values: { value: string; count: number }[];
    checked: string[];
  },
) {
  if (!props.values.length) return null;
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.values.map((v) => (
        <label>
          <input
            type="checkbox"
            name={props.name}
            value={v.value}
            checked={props.checked.includes(v.value)}
          />
          {v.value} <span class="count">({v.count})</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Decodes the few entities search escapes, and turns <em> marks into <mark> elements. */
function Snippet(props: { html: string }) {
  const text = (s: string) =>
    s.replace(
      /&(amp|lt|gt|quot|#39);/g,
      (_, e) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e as string]!,
    );
  return (
    <>
      {props.html.split(/(<em>.*?<\/em>)/).map((part) =>
        part.startsWith("<em>") ? <mark>{text(part.slice(4, -5))}</mark> : text(part)
      )}
    </>
  );
}

/** "Did you mean": shown when search answered a corrected query (issue 10 adds the field). */
function corrected(result: Result): string | undefined {
  const r = result as Result & { corrected_query?: unknown; did_you_mean?: unknown };
  const v = r.corrected_query ?? r.did_you_mean;
  return typeof v === "string" && v ? v : undefined;
}

/** One end of the price range: the shopper's value, the catalog's bound as placeholder, its error. */
function PriceField(
  props: { name: string; label: string; value?: string; cents?: number | null; error?: string },
) {
  const { name, label, value, cents, error } = props;
  return (
    <>
      <label for={name}>{label}</label>
      <input
        id={name}
        name={name}
        inputmode="decimal"
        value={value}
        placeholder={cents != null ? (cents / 100).toFixed(2) : ""}
        aria-describedby={error ? `${name}-error` : undefined}
      />
      {error ? <p class="field-error" role="alert" id={`${name}-error`}>{error}</p> : null}
    </>
  );
}

export function ResultsPage(
  props: { params: SearchParams; result?: Result; errors: Record<string, string> },
) {
  const { params, result, errors } = props;
  const q = params.query.q;
  const selected = (k: "brand" | "category") => [params.query[k] ?? []].flat();
  const suggestion = result ? corrected(result) : undefined;
  const price = result?.facets.price;
  return (
    <>
      <h1>{q ? `Results for “${q}”` : "All products"}</h1>
      {suggestion
        ? (
          <p>
            Did you mean <a href={`/products?q=${encodeURIComponent(suggestion)}`}>{suggestion}</a>?
          </p>
        )
        : null}
      {errors.q ? <Alert>{errors.q}</Alert> : null}
      <div class="results">
        <form method="get" action="/products" data-autosubmit="" aria-label="Filters">
          {q ? <input type="hidden" name="q" value={q} /> : null}
          <label for="sort">Sort</label>
          <select id="sort" name="sort">
            {SORTS.filter(([s]) => q || s !== "relevance").map(([value, label]) => (
              <option
                value={value}
                selected={(params.query.sort ?? (q ? "relevance" : "popularity")) === value}
              >
                {label}
              </option>
            ))}
          </select>
          <Facet
            name="brand"
            legend="Brand"
            values={result?.facets.brand ?? []}
            checked={selected("brand")}
          />
          <Facet
            name="category"
            legend="Category"
            values={result?.facets.category ?? []}
            checked={selected("category")}
          />
          <fieldset>
            <legend>Price</legend>
            <PriceField
              name="min"
              label="Min price ($)"
              value={params.min}
              cents={price?.min}
              error={errors.min}
            />
            <PriceField
              name="max"
              label="Max price ($)"
              value={params.max}
              cents={price?.max}
              error={errors.max}
            />
          </fieldset>
          <button type="submit">Apply filters</button>
        </form>
        <section aria-label="Results">
          <p class="muted">
            {result ? `${result.total} ${result.total === 1 ? "product" : "products"}` : ""}
            {price?.min != null && price.max != null
              ? ` · ${money(price.min)} – ${money(price.max)}`
              : ""}
          </p>
          {result && !result.hits.length
            ? <p>No products match. Try fewer filters or other words.</p>
            : null}
          <ul class="grid">
            {result?.hits.map((p) => (
              <ProductCard
                product={p}
                snippet={p.highlight?.description
                  ? <Snippet html={p.highlight.description} />
                  : undefined}
              />
            ))}
          </ul>
          {result?.next_cursor
            ? (
              <p class="pager">
                <a href={nextHref(params, result.next_cursor)}>Next page</a>
              </p>
            )
            : null}
        </section>
      </div>
    </>
  );
}
