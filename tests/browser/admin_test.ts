/**
 * The shop owner in a real browser: create a product, set its stock, find it
 * in the shop's search; bulk upload with a per-line report; all orders.
 * axe on every admin page type on the way.
 */
import assert from "node:assert/strict";
import { ADMIN, assertAccessible, browserTest, newPage, screenshot } from "./helpers.ts";
import { launchChromium } from "../browser.ts";

const run = crypto.randomUUID().slice(0, 6);

Deno.test({
  name: "an admin creates a product, sets its stock and finds it in search",
  ...browserTest,
  async fn() {
    const browser = await launchChromium();
    try {
      const page = await newPage(browser, true);
      await page.goto("/signin");
      await page.getByRole("textbox", { name: "Email" }).fill(ADMIN.email);
      await page.getByRole("textbox", { name: "Password" }).fill(ADMIN.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("link", { name: "Admin" }).click();
      await page.getByRole("link", { name: "Products" }).click();
      await page.getByRole("heading", { name: "Products" }).waitFor();
      await assertAccessible(page, "admin products");
      await screenshot(page, "admin-products");

      await page.getByRole("link", { name: "New product" }).click();
      const id = `adm-${run}`;
      const name = `Orbitron ${run} Smart Kettle`;
      await page.getByRole("textbox", { name: "ID" }).fill(id);
      await page.getByRole("textbox", { name: "Name" }).fill(name);
      await page.getByRole("textbox", { name: "Brand" }).fill(`Kettlecorp${run}`);
      await page.getByRole("textbox", { name: "Price" }).fill("abc");
      await page.getByRole("textbox", { name: "Description" }).fill("Boils water, politely.");
      await page.getByRole("textbox", { name: "Categories" }).fill("Kitchen, Appliances");
      await page.getByRole("button", { name: "Save" }).click();
      // A price that is not dollars is refused next to the field.
      await page.getByRole("alert").filter({ hasText: "like 19.99" }).waitFor();
      await assertAccessible(page, "admin product form");
      await page.getByRole("textbox", { name: "Price" }).fill("19.99");
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
      await screenshot(page, "admin-product");

      await page.getByRole("link", { name: "Inventory" }).click();
      await page.getByRole("searchbox", { name: "Find products" }).fill(id);
      await page.getByRole("button", { name: "Find" }).click();
      await page.getByRole("link", { name }).click();
      await page.getByRole("spinbutton", { name: "On hand" }).fill("7");
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
      assert.equal(await page.getByRole("spinbutton", { name: "On hand" }).inputValue(), "7");
      await assertAccessible(page, "admin inventory");
      await screenshot(page, "admin-inventory");

      const search = page.getByRole("searchbox", { name: "Search products" });
      await search.fill(`Orbitron ${run}`);
      await search.press("Enter");
      await page.getByRole("link", { name }).click();
      await page.getByRole("heading", { level: 1, name }).waitFor();
      await page.getByText("$19.99").waitFor();
      await page.getByText("In stock").waitFor();

      await page.goto("/admin/products/bulk");
      const good = JSON.stringify({
        id: `bulk-${run}`,
        name: `Bulkline ${run}`,
        brand: "Bulkco",
        price_cents: 500,
        categories: ["Bulk"],
      });
      const bad = JSON.stringify({ id: `bulk2-${run}`, name: "", price_cents: -1 });
      await page.getByRole("textbox", { name: "Products (NDJSON)" }).fill(
        `${good}\nnot json\n${bad}\n`,
      );
      await page.getByRole("button", { name: "Upload" }).click();
      await page.getByRole("status").filter({ hasText: "Created 1" }).waitFor();
      const rows = page.getByRole("region", { name: "Refused lines" }).getByRole("row");
      assert.equal(await rows.count(), 3); // header + lines 2 and 3
      await rows.nth(1).getByRole("cell", { name: "2", exact: true }).waitFor();
      await rows.nth(2).getByRole("cell", { name: "3", exact: true }).waitFor();
      await assertAccessible(page, "admin bulk");

      // One link named "Orders" on an admin page: the admin's (strict mode fails on two).
      await page.getByRole("link", { name: "Orders" }).click();
      await page.getByRole("heading", { name: "All orders" }).waitFor();
      await assertAccessible(page, "admin orders");
      await page.context().close();
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "a customer cannot open the admin console",
  ...browserTest,
  async fn() {
    const browser = await launchChromium();
    try {
      const page = await newPage(browser, false);
      const res = await page.goto("/admin/products");
      assert.match(page.url(), /\/signin\?next=%2Fadmin%2Fproducts/);
      assert.equal(res?.status(), 200);
      await page.context().close();
    } finally {
      await browser.close();
    }
  },
});
