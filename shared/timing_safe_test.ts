import assert from "node:assert/strict";
import { timingSafeEqual } from "./timing_safe.ts";

Deno.test("timingSafeEqual is true only for the same bytes", async (t) => {
  const bytes = (...b: number[]) => new Uint8Array(b);
  const cases: [string, Uint8Array, Uint8Array, boolean][] = [
    ["equal", bytes(1, 2, 3), bytes(1, 2, 3), true],
    ["both empty", bytes(), bytes(), true],
    ["last byte differs", bytes(1, 2, 3), bytes(1, 2, 4), false],
    ["a prefix", bytes(1, 2), bytes(1, 2, 3), false],
    ["empty against non-empty", bytes(), bytes(0), false],
  ];
  for (const [name, a, b, want] of cases) {
    await t.step(name, async () => assert.equal(await timingSafeEqual(a, b), want));
  }
});
