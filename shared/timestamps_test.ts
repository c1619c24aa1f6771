import assert from "node:assert/strict";
import { sqlClient } from "./db.ts";
import { baseEnvSchema, parseEnv } from "./env.ts";
import { timestampSql } from "./timestamps.ts";
import { serviceEnv } from "../tests/config.ts";

Deno.test("timestampSql formats a timestamptz exactly as Date#toISOString does", async () => {
  const sql = sqlClient(parseEnv(baseEnvSchema, serviceEnv("search")));
  const rows = await sql.query(
    `SELECT t AS date, ${timestampSql("t")} AS text
     FROM (VALUES ('2026-01-31 23:59:59.987654+02'::timestamptz), ('2026-02-01 00:00:00+00')) v(t)`,
  ) as { date: Date; text: string }[];
  for (const { date, text } of rows) assert.equal(text, date.toISOString());
  assert.equal(rows[0].text, "2026-01-31T21:59:59.987Z");
});
