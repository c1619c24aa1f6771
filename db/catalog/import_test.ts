import assert from "node:assert/strict";
import { testDatabaseUrl } from "../../tests/config.ts";
import { cleanup, runToken, searchTestSetup } from "../../functions/search/test_helpers.ts";
import { importCatalog, mapRecord } from "./import.ts";
import { seedCatalog } from "./seed.ts";

const BESTBUY = new URL("../../../shared/data/bestbuy-cellphones.ndjson", import.meta.url);
const hasBestBuy = await Deno.stat(BESTBUY).then(() => true, () => false);
if (!hasBestBuy) {
  console.warn(
    `Skipping the Best Buy import test: no ${BESTBUY.pathname}. The demo catalog is not in the ` +
      "repository: put the project's shared/data/ folder (bestbuy-cellphones.ndjson, described in " +
      "its README) beside the repository's folder, as CI does.",
  );
}

Deno.test("mapRecord maps Best Buy fields: price to cents, image to image_url", () => {
  const mapped = mapRecord({
    id: 4984700,
    name: "Phone",
    price: 49.99,
    image: "https://x/y.jpg",
    popularity: 21449.4,
  });
  assert.equal(mapped.id, "4984700");
  assert.equal(mapped.price_cents, 4999);
  assert.equal(mapped.image_url, "https://x/y.jpg");
  assert.equal(mapped.popularity, 21449);
});

Deno.test("importCatalog loads NDJSON and reports rejected lines", async () => {
  const R = runToken();
  const file = await Deno.makeTempFile({ suffix: ".ndjson" });
  await Deno.writeTextFile(
    file,
    [
      JSON.stringify({ id: "a", name: `Importable ${R}`, price: 10.5, brand: "Acme" }),
      "{not json",
      JSON.stringify({ id: "b", name: "", price: 1 }),
      "",
      JSON.stringify({ id: "c", name: `Importable ${R} two`, price_cents: 300, categories: ["X"] }),
    ].join("\n"),
  );
  try {
    const report = await importCatalog(file, {
      databaseUrl: testDatabaseUrl(),
      idPrefix: `im-${R}-`,
    });
    assert.equal(report.read, 4);
    assert.equal(report.created, 2);
    assert.deepEqual(report.rejected.map((r) => r.line), [2, 3]);
    assert.match(report.rejected[1].message, /name/);
  } finally {
    await Deno.remove(file);
    await cleanup(`im-${R}-`);
  }
});

Deno.test("seedCatalog writes a generated catalog that search finds", async () => {
  const R = runToken();
  const prefix = `sd-${R}-`;
  const { request } = searchTestSetup();
  try {
    const { inserted } = await seedCatalog({
      databaseUrl: testDatabaseUrl(),
      count: 300,
      seed: 3,
      idPrefix: prefix,
    });
    assert.equal(inserted, 300);
    const res = await request("/search/products/" + prefix + "0000042");
    assert.equal(res.status, 200);
    const product = await res.json();
    const word = product.name.split(" ")[0];
    const found =
      await (await request(`/search/products?q=${encodeURIComponent(product.name)}&limit=100`))
        .json();
    assert.ok(
      found.hits.some((h: { id: string }) => h.id === product.id),
      `searching "${word}…" finds it`,
    );
  } finally {
    await cleanup(prefix);
  }
});

Deno.test({
  name: "importCatalog loads the Best Buy demo catalog and search finds its phones",
  ignore: !hasBestBuy,
  fn: async () => {
    const R = runToken();
    const prefix = `bb-${R}-`;
    const { request } = searchTestSetup();
    try {
      const lines: string[] = [];
      const report = await importCatalog(BESTBUY.pathname, {
        databaseUrl: testDatabaseUrl(),
        idPrefix: prefix,
        log: (l) => lines.push(l),
      });
      assert.equal(report.read, 3291);
      assert.equal(report.created + report.updated + report.rejected.length, 3291);
      assert.ok(report.created > 3200, `${report.created} created`);
      assert.ok(lines.length >= 3, "progress is reported per batch");
      const r = await (await request("/search/products?q=samsnug%20galaxy&brand=Samsung&limit=5"))
        .json();
      assert.ok(r.total > 0);
      assert.ok(r.hits.every((h: { brand: string }) => h.brand === "Samsung"));
      const product = await (await request(`/search/products/${prefix}4984700`)).json();
      assert.equal(product.price_cents, 4999);
    } finally {
      await cleanup(prefix);
    }
  },
});
