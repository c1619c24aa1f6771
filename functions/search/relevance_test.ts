import assert from "node:assert/strict";
import { authHeaders, cleanup, runToken, searchTestSetup } from "./test_helpers.ts";

// Search v1.1 (docs/api.md "Additions"): word forms, optional words, split and
// joined words, synonyms. Every product carries this run's category, and
// every search filters on it, so other rows in the shared database do not count.
const R = runToken();
const P = `rt-${R}`;
const CAT = `Relevance ${R}`;
const { request } = searchTestSetup();

const product = (n: string, name: string, description = "") => ({
  id: `${P}-${n}`,
  name,
  description,
  brand: "Acme",
  categories: [CAT],
  price_cents: 1000,
});
const fixtures = [
  product("laptop", "Travel Laptop 14"),
  product("battery", "Spare Battery Pack"),
  product("model12", "Pocket Phone 12"),
  product("model13", "Pocket Phone 13"),
  product("smart", "Smart Watch Sport"),
  product("watch", "Classic Watch Steel"),
  product("headset", "Gaming Headset Pro"),
  product("microsd", "Fast MicroSD Card 64"),
  product("split", "Micro SD Reader"),
  product("sofa", "Leather Sofa"),
  product("tele", "Television Wall Mount"),
  product("tv", "TV Remote"),
];

async function ids(q: string): Promise<string[]> {
  const res = await request(
    `/search/products?q=${encodeURIComponent(q)}&category=${encodeURIComponent(CAT)}`,
  );
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()).hits as { id: string }[]).map((h) => h.id.slice(P.length + 1));
}

async function putSynonyms(body: unknown, role: "admin" | "customer" = "admin") {
  return await request("/search/synonyms", {
    method: "PUT",
    headers: await authHeaders(role),
    body: JSON.stringify(body),
  });
}

Deno.test("search v1.1: word forms, optional words, compounds, synonyms", async (t) => {
  const res = await request("/search/products/bulk", {
    method: "POST",
    headers: await authHeaders(),
    body: JSON.stringify({ products: fixtures }),
  });
  assert.deepEqual((await res.json()).errors, []);
  try {
    await t.step("plurals and stems meet (laptops → Laptop, batteries → Battery)", async () => {
      assert.deepEqual(await ids("laptops"), ["laptop"]);
      assert.deepEqual(await ids("batteries"), ["battery"]);
      assert.deepEqual(await ids("batery"), ["battery"], "typo tolerance still works");
    });

    await t.step("model numbers do not conflate: 12 never matches 13 fully", async () => {
      assert.deepEqual(await ids("phone 12"), ["model12", "model13"], "13 only as a partial");
      assert.deepEqual(await ids("12"), ["model12"]);
    });

    await t.step("a missing word is dropped; partial matches rank below full ones", async () => {
      assert.deepEqual(await ids("smart watch"), ["smart", "watch"]);
      assert.deepEqual((await ids(`watch zzqx${R}`)).sort(), ["smart", "watch"]);
    });

    await t.step(
      "split and joined words meet (head set / headset, micro sd / microsd)",
      async () => {
        assert.deepEqual(await ids("head set"), ["headset"]);
        assert.deepEqual((await ids("micro sd")).sort(), ["microsd", "split"]);
        assert.deepEqual((await ids("microsd")).sort(), ["microsd", "split"]);
      },
    );

    await t.step("PUT /search/synonyms is admin only and validated", async () => {
      assert.equal((await putSynonyms({ synonyms: [] }, "customer")).status, 403);
      const bad = await putSynonyms({
        synonyms: [{ id: "a", words: ["x", "y"], one_way_from: "z" }],
      });
      assert.equal(bad.status, 400);
      assert.equal((await bad.json()).errors[0].path, "synonyms.0.one_way_from");
      const many = Array.from({ length: 10_001 }, (_, i) => ({ id: `g${i}`, words: ["a", "b"] }));
      assert.equal((await putSynonyms({ synonyms: many })).status, 400);
    });

    await t.step("a synonym set applies to the next search, one way when asked", async () => {
      assert.deepEqual(await ids("couch"), []);
      const groups = [
        { id: `sofa-${R}`, words: ["couch", "sofa"] },
        { id: `tv-${R}`, words: ["TV", "television"], one_way_from: "TV" },
      ];
      const put = await putSynonyms({ synonyms: groups });
      assert.equal(put.status, 200);
      assert.deepEqual(await put.json(), { synonyms: groups });
      const got = await request("/search/synonyms");
      assert.deepEqual(await got.json(), { synonyms: groups });
      assert.deepEqual(await ids("couch"), ["sofa"]);
      assert.deepEqual(await ids("sofa"), ["sofa"]);
      assert.deepEqual((await ids("tv")).sort(), ["tele", "tv"]);
      assert.deepEqual(await ids("television"), ["tele"], "one way: television stays itself");
      assert.equal((await putSynonyms({ synonyms: [] })).status, 200);
      assert.deepEqual(await ids("couch"), [], "a replaced set is gone at once");
      assert.deepEqual(await (await request("/search/synonyms")).json(), { synonyms: [] });
    });
  } finally {
    await putSynonyms({ synonyms: [] });
    await cleanup(P);
  }
});
