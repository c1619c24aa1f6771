/**
 * The shopper in a real browser: guest cart → sign up → merge → checkout with
 * Visa → confirmation → history → cancel, with JavaScript on and off; a
 * declined card; insufficient stock; axe on every page type on the way.
 * Runs against the stack `deno task test` starts (and `test:workers`).
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import {
  adminToken,
  assertAccessible,
  BASE,
  browserTest,
  makeProduct,
  newPage,
  newShopper,
  screenshot,
} from "./helpers.ts";
import { launchChromium } from "../browser.ts";

const run = crypto.randomUUID().slice(0, 6);
const BRAND = `Zephyrbrand${run}`;
const FAN = { id: `bt-fan-${run}`, name: `Quietwave ${run} Desk Fan`, price_cents: 12999 };
const LAMP = { id: `bt-lamp-${run}`, name: `Glowmaster ${run} Desk Lamp`, price_cents: 2450 };

let browser: Browser;
let ready: Promise<void> | undefined;

/** One browser and the test products, made once for all the journeys in this file. */
function setup(): Promise<void> {
  ready ??= (async () => {
    const token = await adminToken();
    await makeProduct(token, { ...FAN, brand: BRAND, stock: 50 });
    await makeProduct(token, { ...LAMP, brand: BRAND, stock: 1 });
    browser = await launchChromium();
  })();
  return ready;
}

async function addToCart(page: Page, name: string, quantity = 1) {
  await page.goto("/");
  const search = page.getByRole("searchbox", { name: "Search products" });
  await search.fill(name);
  await search.press("Enter");
  await page.waitForURL(/\/products\?/);
  await page.getByRole("link", { name }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
  if (quantity !== 1) {
    await page.getByRole("spinbutton", { name: "Quantity" }).fill(String(quantity));
  }
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.getByRole("status").filter({ hasText: "Added to your cart" }).waitFor();
}

async function signUp(page: Page, from = "") {
  const shopper = newShopper();
  if (from !== "/signup") await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByRole("textbox", { name: "Email" }).fill(shopper.email);
  await page.getByRole("textbox", { name: "Password" }).fill(shopper.password);
  await page.getByRole("button", { name: "Create account" }).click();
  return shopper;
}

async function fillAddress(page: Page, card: string) {
  await page.getByRole("textbox", { name: "Full name" }).fill("Sam Shopper");
  await page.getByRole("textbox", { name: "Address" }).fill("1 Main St");
  await page.getByRole("textbox", { name: "City" }).fill("Springfield");
  await page.getByRole("textbox", { name: "Postal code" }).fill("12345");
  await page.getByRole("combobox", { name: "Country" }).selectOption("US");
  await page.getByRole("radiogroup", { name: "Payment" }).getByRole("radio", { name: card })
    .check();
}

async function journey(page: Page, opts: { js: boolean; shots: boolean }) {
  const shot = (name: string) => opts.shots ? screenshot(page, name) : Promise.resolve();
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in" }).waitFor();
  await assertAccessible(page, "home");
  await shot("home");

  if (opts.js) {
    // Suggestions as you type, picked with the keyboard.
    const search = page.getByRole("searchbox", { name: "Search products" });
    await search.pressSequentially(`Quietwave ${run}`, { delay: 20 });
    const option = page.getByRole("listbox").getByRole("option").first();
    await option.waitFor();
    await search.press("ArrowDown");
    assert.equal(await option.getAttribute("aria-selected"), "true");
    await search.press("Escape");
  }

  // As a guest: search, open the product, add it twice over.
  await addToCart(page, FAN.name);
  await page.goto(`/products?q=${encodeURIComponent(`Quietwave ${run}`)}`);
  await page.getByRole("group", { name: "Brand" }).getByRole("checkbox", { name: BRAND }).waitFor();
  await page.getByRole("combobox", { name: "Sort" }).waitFor();
  await assertAccessible(page, "results");
  await shot("results");
  await page.getByRole("link", { name: FAN.name }).click();
  await assertAccessible(page, "product");
  await shot("product");

  await page.getByRole("link", { name: "Cart" }).click();
  const quantity = page.getByRole("spinbutton", { name: "Quantity" });
  assert.equal(await quantity.inputValue(), "1");
  await quantity.fill("2");
  if (opts.js) await quantity.dispatchEvent("change");
  else await quantity.press("Enter");
  await page.getByText("$259.98").first().waitFor();
  await assertAccessible(page, "cart");
  await shot("cart");

  // Checkout asks for an account; signing up merges the guest cart.
  await page.getByRole("link", { name: "Checkout" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await assertAccessible(page, "sign in");
  await signUp(page);
  await page.getByRole("heading", { name: "Checkout" }).waitFor();
  await page.getByText(`2 × ${FAN.name}`).waitFor();
  await assertAccessible(page, "checkout");
  await fillAddress(page, "Visa");
  await shot("checkout");
  await page.getByRole("button", { name: "Place order" }).click();

  await page.getByRole("heading", { name: /Order/ }).waitFor();
  await page.getByText("Paid", { exact: true }).waitFor();
  await assertAccessible(page, "order");
  await shot("order");

  await page.getByRole("link", { name: "Orders" }).click();
  await page.getByRole("heading", { name: "Your orders" }).waitFor();
  const orders = page.getByRole("link", { name: /^Order / });
  assert.equal(await orders.count(), 1);
  await assertAccessible(page, "order history");
  await shot("orders");
  await orders.first().click();
  await page.getByRole("button", { name: "Cancel order" }).click();
  await page.getByText("Canceled", { exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Cancel order" }).count(), 0);

  await page.getByRole("link", { name: "Account" }).click();
  await page.getByText(/Signed in on/).first().waitFor();
  await assertAccessible(page, "sessions");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("link", { name: "Sign in" }).waitFor();
}

Deno.test({
  name: "a shopper fills a guest cart, signs up, pays with Visa and cancels (JavaScript on)",
  ...browserTest,
  async fn() {
    await setup();
    const page = await newPage(browser, true);
    await journey(page, { js: true, shots: true });
    await page.context().close();
  },
});

Deno.test({
  name: "the same journey works with JavaScript off",
  ...browserTest,
  async fn() {
    await setup();
    const page = await newPage(browser, false);
    await journey(page, { js: false, shots: false });
    await page.context().close();
  },
});

Deno.test({
  name: "a declined card is explained next to the payment choice, and another card then pays",
  ...browserTest,
  async fn() {
    await setup();
    const page = await newPage(browser, true);
    await addToCart(page, FAN.name);
    await page.goto("/order");
    await signUp(page);
    await fillAddress(page, "Declined card");
    await page.getByRole("button", { name: "Place order" }).click();
    const alert = page.getByRole("radiogroup", { name: "Payment" }).getByRole("alert");
    await alert.filter({ hasText: "Your card was declined" }).waitFor();
    await screenshot(page, "checkout-declined");
    // A new attempt: a fresh Idempotency-Key, so a good card goes through.
    await page.getByRole("radio", { name: "Visa" }).check();
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByText("Paid", { exact: true }).waitFor();
    await page.context().close();
  },
});

Deno.test({
  name: "insufficient stock names the line and how many are left",
  ...browserTest,
  async fn() {
    await setup();
    const page = await newPage(browser, true);
    await addToCart(page, LAMP.name, 3);
    await page.goto("/order");
    await signUp(page);
    await fillAddress(page, "Visa");
    await page.getByRole("button", { name: "Place order" }).click();
    await page.getByRole("alert").filter({ hasText: `Only 1 left of ${LAMP.name}` }).waitFor();
    await page.context().close();
  },
});

Deno.test({
  name:
    "a double click or a resent checkout form makes one order (one Idempotency-Key per attempt)",
  ...browserTest,
  async fn() {
    await setup();
    const page = await newPage(browser, false);
    await addToCart(page, FAN.name);
    await page.goto("/order");
    await signUp(page);
    await fillAddress(page, "Visa");
    const key = await page.locator("input[name=idempotency_key]").inputValue();
    assert.match(key, /^[0-9a-f-]{36}$/, "the form carries its attempt's key");
    await page.getByRole("button", { name: "Place order" }).dblclick();
    await page.getByText("Paid", { exact: true }).waitFor();
    const orderUrl = new URL(page.url()).pathname;
    // The same form sent twice more at once, as a flaky network would: the same order again.
    const form = {
      idempotency_key: key,
      name: "Sam Shopper",
      line1: "1 Main St",
      city: "Springfield",
      postal_code: "12345",
      country: "US",
      payment: "pm_card_visa",
    };
    const resend = () =>
      page.request.post("/order", { form, headers: { Origin: BASE! }, maxRedirects: 0 });
    const again = await Promise.all([resend(), resend()]);
    for (const res of again) {
      assert.equal(res.status(), 303);
      assert.equal(res.headers()["location"], `${orderUrl}?placed`);
    }
    await page.goto("/orders");
    assert.equal(await page.getByRole("link", { name: /^Order / }).count(), 1);
    await page.context().close();
  },
});

Deno.test({
  name: "sessions: an expired access token is refreshed unseen; a revoked session cannot refresh",
  ...browserTest,
  async fn() {
    await setup();
    const [laptop, phone] = [await newPage(browser, true), await newPage(browser, false)];
    await laptop.goto("/signup");
    const shopper = await signUp(laptop, "/signup");
    await phone.goto("/signin");
    await phone.getByRole("textbox", { name: "Email" }).fill(shopper.email);
    await phone.getByRole("textbox", { name: "Password" }).fill(shopper.password);
    await phone.getByRole("button", { name: "Sign in" }).click();
    await phone.getByRole("button", { name: "Sign out" }).waitFor();

    // The access token cookie gone (as when it expires): the refresh token gets a new pair.
    await phone.context().clearCookies({ name: "sf_at" });
    await phone.goto("/orders");
    await phone.getByRole("heading", { name: "Your orders" }).waitFor();

    await laptop.goto("/account");
    const sessions = laptop.getByRole("listitem").filter({ hasText: "Signed in on" });
    assert.equal(await sessions.count(), 2);
    await sessions.filter({ hasNotText: "this browser" }).getByRole("button", { name: "Revoke" })
      .click();
    assert.equal(await sessions.count(), 1);

    // Revoked: once its access token is gone, the phone cannot refresh and is signed out.
    await phone.context().clearCookies({ name: "sf_at" });
    await phone.goto("/orders");
    await phone.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.match(phone.url(), /\/signin\?next=%2Forders$/);
    await laptop.context().close();
    await phone.context().close();
  },
});

Deno.test({
  name: "close the browser",
  ...browserTest,
  async fn() {
    await browser?.close();
  },
});
