import assert from "node:assert/strict";
import { withCatalog } from "./test_helpers.ts";

// Matching and ranking, and the parameters GET /search/products refuses.

Deno.test("GET /search/products: a misspelt brand (samsnug) finds Samsung products", () =>
  withCatalog(async ({ P, cat, search, ids }) => {
    const r = await search(`q=samsnug&${cat}`);
    assert.deepEqual(ids(r).slice(0, 2).sort(), [`${P}-s1`, `${P}-s2`]);
    assert.ok(ids(r).includes(`${P}-s6`), "the description match is found too");
    assert.equal(ids(r).at(-1), `${P}-s6`, "name matches rank above a description match");
    assert.equal(r.corrected_query, "samsung", "the correction is exposed for a did-you-mean");
    assert.equal((await search(`q=samsung&${cat}`)).corrected_query, undefined);
  }));

Deno.test("GET /search/products: two typos are allowed from 9 letters, none under 5", () =>
  withCatalog(async ({ P, cat, search, ids }) => {
    assert.ok(ids(await search(`q=headpohnse&${cat}`)).includes(`${P}-s3`));
    assert.equal((await search(`q=sonx&${cat}`)).total, 0);
  }));

Deno.test("GET /search/products: a prefix of the last word (headph) finds headphones", () =>
  withCatalog(async ({ P, cat, search, ids }) => {
    const r = await search(`q=headph&${cat}`);
    assert.deepEqual(ids(r).sort(), [`${P}-s2`, `${P}-s3`]);
    assert.equal(r.hits[0].id, `${P}-s2`, "the shorter name ranks first (length normalisation)");
    const widgets = await search(`q=widget&${cat}&limit=10`);
    assert.deepEqual(
      widgets.hits.map((h) => h.id.slice(-3)),
      ["w02", "w05", "w08", "w11", "w14", "w17", "w20", "w23", "w26", "w29"],
      "equal scores fall to popularity, then id",
    );
  }));

Deno.test("GET /search/products: a name match ranks above a more popular description-only match", () =>
  withCatalog(async ({ R, P, search, ids }) => {
    const r = await search(`q=zephyr${R}`);
    assert.deepEqual(ids(r), [`${P}-n1`, `${P}-n2`]);
    assert.equal(r.hits[0].highlight?.name, `<em>Zephyr${R}</em> Speaker`);
    assert.match(r.hits[1].highlight?.description ?? "", new RegExp(`<em>zephyr${R}</em>`));
  }));

Deno.test("GET /search/products: accents fold both ways (café ↔ cafe) and highlights keep the original text", () =>
  withCatalog(async ({ P, cat, search, ids }) => {
    for (const q of ["cafe", "caf%C3%A9", "CAFÉ"]) {
      const r = await search(`q=${q}&${cat}`);
      assert.deepEqual(ids(r).sort(), [`${P}-s4`, `${P}-s5`], q);
    }
    const r = await search(`q=cafe%20creme&${cat}`);
    assert.equal(r.hits[0].highlight?.name, "<em>Café</em> <em>Crème</em> Espresso Maker");
  }));

Deno.test("GET /search/products: bad parameters give validation_failed naming the parameter", () =>
  withCatalog(async ({ request }) => {
    const cases: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["min_price=-1", "min_price"],
      ["max_price=abc", "max_price"],
      ["min_price=500&max_price=100", "max_price"],
      ["sort=cheapest", "sort"],
      ["in_stock=maybe", "in_stock"],
      [`q=${"x".repeat(201)}`, "q"],
    ];
    for (const [query, path] of cases) {
      const res = await request(`/search/products?${query}`);
      assert.equal(res.status, 400, query);
      const body = await res.json();
      assert.equal(body.code, "validation_failed", query);
      assert.deepEqual(body.errors.map((e: { path: string }) => e.path), [path], query);
    }
  }));
