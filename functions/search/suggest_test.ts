import assert from "node:assert/strict";
import { withCatalog } from "./test_helpers.ts";

Deno.test("GET /search/suggest completes brands, categories and names", () =>
  withCatalog(async ({ R, CAT, request }) => {
    const res = await request(
      `/search/suggest?q=${encodeURIComponent(`zephyr${R.slice(0, 3)}`)}`,
    );
    assert.equal(res.status, 200);
    const { suggestions } = await res.json();
    assert.deepEqual(suggestions, [{ text: `Zephyr${R} Speaker`, kind: "product" }]);
    const cats =
      await (await request(`/search/suggest?q=${encodeURIComponent(`test ${R}`)}&limit=3`))
        .json();
    assert.deepEqual(cats.suggestions[0], { text: CAT, kind: "category" });
    const brands = await (await request(`/search/suggest?q=widgetc`)).json();
    assert.ok(
      brands.suggestions.some((s: { text: string; kind: string }) =>
        s.text === "Widgetco" && s.kind === "brand"
      ),
    );
    const typo = await (await request(`/search/suggest?q=samsnug`)).json();
    assert.ok(
      typo.suggestions.some((s: { text: string; kind: string }) =>
        s.text === "Samsung" && s.kind === "brand"
      ),
      "suggestions are typo tolerant",
    );
    const bad = await request("/search/suggest?q=");
    assert.equal((await bad.json()).errors[0].path, "q");
  }));
