import assert from "node:assert/strict";
import { assertProblem, getWith, type Pair, postJson, setup, signup } from "./test_helpers.ts";

const refresh = (s: ReturnType<typeof setup>, token: string) =>
  postJson(s.app, s.env, "/auth/token/refresh", { refresh_token: token });

Deno.test("POST /auth/token/refresh rotates: a new pair, same session, the old token spent", async () => {
  const s = setup({ REFRESH_REUSE_GRACE_SECONDS: "0" });
  const first = await signup(s.app, s.env);
  const res = await refresh(s, first.refresh_token);
  assert.equal(res.status, 200);
  const next = await res.json() as Pair;
  assert.notEqual(next.refresh_token, first.refresh_token);
  assert.notEqual(next.access_token, first.access_token);
  assert.deepEqual(next.user, first.user);
  assert.equal((await getWith(s.app, s.env, "/auth/me", next.access_token)).status, 200);
  const third = await (await refresh(s, next.refresh_token)).json() as Pair;
  const again = await refresh(s, third.refresh_token);
  assert.equal(again.status, 200, "a chain of rotations keeps working");
});

Deno.test("POST /auth/token/refresh answers 401 invalid_refresh_token to unknown or malformed tokens", async (t) => {
  const s = setup();
  for (
    const [name, token] of [["unknown", "A".repeat(43)], ["malformed", "not a token"], [
      "an access token",
      "eyJ.x.y",
    ]]
  ) {
    await t.step(
      name,
      async () => await assertProblem(await refresh(s, token), 401, "invalid_refresh_token"),
    );
  }
  await t.step("missing body field gives 400 with errors[].path", async () => {
    const p = await assertProblem(
      await postJson(s.app, s.env, "/auth/token/refresh", {}),
      400,
      "validation_failed",
    );
    assert.deepEqual(p.errors.map((e: { path: string }) => e.path), ["refresh_token"]);
  });
});

Deno.test("POST /auth/token/refresh with a spent token after the grace revokes the whole session", async () => {
  const s = setup({ REFRESH_REUSE_GRACE_SECONDS: "0" });
  const first = await signup(s.app, s.env);
  const next = await (await refresh(s, first.refresh_token)).json() as Pair;
  await assertProblem(await refresh(s, first.refresh_token), 401, "invalid_refresh_token");
  // The newest token of the session fails too, and so does its access token here.
  await assertProblem(await refresh(s, next.refresh_token), 401, "invalid_refresh_token");
  await assertProblem(
    await getWith(s.app, s.env, "/auth/me", next.access_token),
    401,
    "unauthorized",
  );
});

Deno.test("POST /auth/token/refresh with a spent token within the grace gives a valid pair, not a logout", async () => {
  const s = setup({ REFRESH_REUSE_GRACE_SECONDS: "10" });
  const first = await signup(s.app, s.env);
  const a = await (await refresh(s, first.refresh_token)).json() as Pair;
  const res = await refresh(s, first.refresh_token);
  assert.equal(res.status, 200);
  const b = await res.json() as Pair;
  assert.notEqual(a.refresh_token, b.refresh_token);
  // Either token the client keeps goes on working.
  assert.equal((await refresh(s, a.refresh_token)).status, 200);
  assert.equal((await refresh(s, b.refresh_token)).status, 200);
});

Deno.test("concurrent refreshes with the same token each get a valid pair and the session survives", async () => {
  const s = setup({ REFRESH_REUSE_GRACE_SECONDS: "10" });
  const first = await signup(s.app, s.env);
  const results = await Promise.all(
    Array.from({ length: 5 }, () => refresh(s, first.refresh_token)),
  );
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200]);
  const pairs = await Promise.all(results.map((r) => r.json() as Promise<Pair>));
  assert.equal(new Set(pairs.map((p) => p.refresh_token)).size, 5);
  assert.equal(new Set(pairs.map((p) => p.user.id)).size, 1);
  for (const p of pairs) {
    assert.equal((await getWith(s.app, s.env, "/auth/me", p.access_token)).status, 200);
  }
});

Deno.test("a session past its idle lifetime cannot refresh", async () => {
  const s = setup({ SESSION_IDLE_TTL_SECONDS: "60" });
  const first = await signup(s.app, s.env);
  const { sqlClient } = await import("../../shared/db.ts");
  const { authEnv } = await import("./env.ts");
  const sql = sqlClient(authEnv(s.env));
  await sql`UPDATE auth.sessions SET last_used_at = now() - interval '2 minutes' WHERE user_id = ${first.user.id}`;
  await assertProblem(await refresh(s, first.refresh_token), 401, "invalid_refresh_token");
  await sql`UPDATE auth.sessions SET last_used_at = now(), expires_at = now() - interval '1 second'
    WHERE user_id = ${first.user.id}`;
  await assertProblem(await refresh(s, first.refresh_token), 401, "invalid_refresh_token");
});
