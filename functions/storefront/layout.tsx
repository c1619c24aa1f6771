/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The page shell every page shares: head with the hashed assets, the nav
 * (Cart with its count, Sign in / Sign out, Orders, Admin) and the search
 * box with its suggestions listbox. Installed with hono/jsx-renderer, so a
 * route answers `c.render(<Content/>, { title })`.
 */
import type { Child } from "hono/jsx";
import { jsxRenderer, useRequestContext } from "hono/jsx-renderer";
import { assetUrls } from "./assets_routes.ts";
import type { StorefrontEnv } from "./deps.ts";

declare module "hono" {
  interface ContextRenderer {
    (content: string | Promise<string>, props: { title: string }): Response | Promise<Response>;
  }
}

// Built once per isolate: constructing an Intl.NumberFormat costs far more than formatting.
const USD = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** Dollars from integer cents: 12999 → "$129.99". */
export const money = (cents: number) => USD.format(cents / 100);

/** A message in the shopper's words, announced to screen readers. */
export function Alert(props: { id?: string; children: Child }) {
  return <div class="alert" role="alert" id={props.id}>{props.children}</div>;
}

/** A hidden CSRF-free form post: every state change is a POST form (hono/csrf checks its Origin). */
export function PostButton(
  props: { action: string; label: string; class?: string; fields?: Record<string, string> },
) {
  return (
    <form method="post" action={props.action} class="inline">
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input
          type="hidden"
          name={k}
          value={v}
        />
      ))}
      <button type="submit" class={props.class}>{props.label}</button>
    </form>
  );
}

function Nav() {
  const c = useRequestContext<StorefrontEnv>();
  const session = c.get("session");
  const count = c.get("cartCount");
  return (
    <nav class="main" aria-label="Main">
      <a href="/cart">Cart{count > 0 ? <span class="count">{` ${count}`}</span> : null}</a>
      {
        // On admin pages "Orders" is the admin's all-orders link: one link by that name per page.
        session && !c.req.path.startsWith("/admin") ? <a href="/orders">Orders</a> : null
      }
      {session ? <a href="/account">Account</a> : null}
      {session?.role === "admin" ? <a href="/admin">Admin</a> : null}
      {session
        ? (
          <form method="post" action="/signout">
            <button type="submit" class="secondary">Sign out</button>
          </form>
        )
        : <a href="/signin">Sign in</a>}
    </nav>
  );
}

function SearchBox() {
  const c = useRequestContext<StorefrontEnv>();
  const q = c.req.path === "/products" ? c.req.query("q") ?? "" : "";
  return (
    <form role="search" class="search" action="/products" method="get">
      <label for="search-q" class="sr-only">Search products</label>
      <input
        type="search"
        id="search-q"
        name="q"
        value={q}
        autocomplete="off"
        data-suggest=""
        aria-controls="search-suggestions"
        aria-autocomplete="list"
      />
      <ul id="search-suggestions" role="listbox" aria-label="Suggestions" hidden></ul>
      <button type="submit" class="secondary">Search</button>
    </form>
  );
}

/** Installs the shell as the app's renderer. */
export const layout = jsxRenderer<StorefrontEnv>(async ({ children, title }) => {
  const assets = await assetUrls();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Edgeshop`}</title>
        <link rel="stylesheet" href={assets.css} />
        <script type="module" src={assets.js}></script>
      </head>
      <body>
        <a class="skip" href="#content">Skip to content</a>
        <header class="top">
          <a class="logo" href="/">Edgeshop</a>
          <SearchBox />
          <Nav />
        </header>
        <main id="content">{children}</main>
      </body>
    </html>
  );
}, { docType: true });
