import assert from "node:assert/strict";
import { decodeJwt } from "jose";
import { login, setup, uniqueEmail } from "../functions/auth/test_helpers.ts";
import { seedAdmin } from "./seed_admin.ts";

Deno.test("seedAdmin creates the admin account and updates it when run again", async () => {
  const s = setup();
  const email = uniqueEmail("Admin");
  const first = await seedAdmin(s.env, email.toUpperCase(), "edgeshop-admin");
  assert.equal(first.role, "admin");
  assert.equal(first.email, email.toLowerCase());
  const pair = await login(s.app, s.env, email, "edgeshop-admin");
  assert.equal(decodeJwt(pair.access_token).role, "admin");
  const again = await seedAdmin(s.env, email, "a new admin password");
  assert.equal(again.id, first.id);
  await login(s.app, s.env, email, "a new admin password");
});
