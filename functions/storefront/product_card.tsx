/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { components } from "./api/search.ts";
import { money } from "./layout.tsx";

type Product = components["schemas"]["Product"];

/** A product card: its name is the link to its page. */
export function ProductCard(props: { product: Product; snippet?: unknown }) {
  const p = props.product;
  return (
    <li class="card">
      {p.image_url ? <img src={p.image_url} alt="" loading="lazy" /> : null}
      <a href={`/products/${encodeURIComponent(p.id)}`}>{p.name}</a>
      <span class="muted">{p.brand}</span>
      {props.snippet ? <span class="muted">{props.snippet}</span> : null}
      <span class="price">{money(p.price_cents)}</span>
      {p.in_stock ? null : <span class="muted">Out of stock</span>}
    </li>
  );
}
