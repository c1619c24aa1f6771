/**
 * Conformance of the Neon bridge: the unmodified @neondatabase/serverless
 * client, configured as shared/db.ts does locally, against real Postgres.
 */
import assert from "node:assert/strict";
import { neon, NeonDbError } from "@neondatabase/serverless";
import { configureNeon, pgPool } from "../shared/db.ts";
import { ensureDatabase, withDatabase } from "./servers.ts";
import { testDatabaseUrl } from "../tests/config.ts";
import { startNeonBridge } from "./neon_bridge.ts";

/** Asserts that `promise` rejects with a NeonDbError carrying `code`. */
async function rejectsWithCode(promise: Promise<unknown>, code: string) {
  const err = await promise.then(() => null, (e) => e);
  assert.ok(err instanceof NeonDbError, `expected NeonDbError, got ${err}`);
  assert.equal(err.code, code, err.message);
  return err;
}

Deno.test("neon bridge conformance with @neondatabase/serverless", async (t) => {
  // Run alone (plain `deno test`), the tests' database may not exist yet.
  await ensureDatabase(
    withDatabase(testDatabaseUrl(), "postgres"),
    decodeURIComponent(new URL(testDatabaseUrl()).pathname.slice(1)),
  );
  // Port 1 is allowed but closed: for the connection-failure checks.
  const bridge = await startNeonBridge({
    port: 0,
    allowedHosts: ["127.0.0.1:1"],
  });
  // Configured exactly as the services configure the driver locally.
  const env = { NEON_HTTP_ENDPOINT: bridge.sqlEndpoint, NEON_WS_PROXY: bridge.wsProxy };
  configureNeon(env);

  // neon() refuses a URL without a password; trust auth ignores it.
  const url = new URL(testDatabaseUrl());
  if (!url.password) url.password = "bridge-test";
  const dbUrl = url.href;
  const sql = neon(dbUrl);
  const schema = `neon_bridge_test_${crypto.randomUUID().slice(0, 8)}`;
  const tbl = `${schema}.item`;
  await sql.query(`CREATE SCHEMA ${schema}`);
  await sql.query(
    `CREATE TABLE ${tbl} (id int PRIMARY KEY, name text NOT NULL UNIQUE, qty int NOT NULL DEFAULT 0)`,
  );
  const count = async () => (await sql.query(`SELECT count(*)::int AS n FROM ${tbl}`))[0].n;

  try {
    await t.step("neon bridge answers a tagged query with params", async () => {
      const rows = await sql`SELECT ${2}::int + ${3}::int AS sum, ${"zoë"} || '!' AS word`;
      assert.deepEqual(rows, [{ sum: 5, word: "zoë!" }]);
    });

    await t.step("neon bridge answers sql.query(text, params)", async () => {
      const rows = await sql.query("SELECT $1::text AS a, $2::int AS b", [
        "x",
        7,
      ]);
      assert.deepEqual(rows, [{ a: "x", b: 7 }]);
    });

    await t.step(
      "neon bridge gives fullResults (fields, command, rowCount) and arrayMode rows",
      async () => {
        const full = neon(dbUrl, { fullResults: true });
        const r = await full.query(
          `INSERT INTO ${tbl} (id, name) VALUES (1, 'a'), (2, 'b') RETURNING id`,
        );
        assert.equal(r.command, "INSERT");
        assert.equal(r.rowCount, 2);
        assert.deepEqual(r.rows, [{ id: 1 }, { id: 2 }]);
        const sel = await full.query(`SELECT id, name FROM ${tbl} ORDER BY id`);
        assert.equal(sel.command, "SELECT");
        assert.deepEqual(sel.fields.map((f) => [f.name, f.dataTypeID]), [[
          "id",
          23,
        ], ["name", 25]]);
        const { tableID, columnID, dataTypeSize, dataTypeModifier, format } = sel.fields[0];
        assert.ok(tableID > 0);
        assert.deepEqual([columnID, dataTypeSize, dataTypeModifier, format], [
          1,
          4,
          -1,
          "text",
        ]);
        const ddl = await full.query(`CREATE TEMP TABLE t (x int)`);
        assert.equal(ddl.command, "CREATE");
        assert.equal(ddl.rowCount, null);
        const arr = await neon(dbUrl, { arrayMode: true }).query(
          `SELECT id, name FROM ${tbl} ORDER BY id`,
        );
        assert.deepEqual(arr, [[1, "a"], [2, "b"]]);
        await sql.query(`DELETE FROM ${tbl}`);
      },
    );

    await t.step(
      "neon bridge commits a transaction's queries together",
      async () => {
        const [a, b] = await sql.transaction((tx) => [
          tx`INSERT INTO ${sql.unsafe(tbl)} (id, name) VALUES (10, 'x') RETURNING id`,
          tx`INSERT INTO ${sql.unsafe(tbl)} (id, name) VALUES (11, 'y') RETURNING id`,
        ]);
        assert.deepEqual([a, b], [[{ id: 10 }], [{ id: 11 }]]);
        assert.equal(await count(), 2);
      },
    );

    await t.step(
      "neon bridge rolls back a transaction when its second query fails",
      async () => {
        const err = await rejectsWithCode(
          sql.transaction([
            sql`INSERT INTO ${sql.unsafe(tbl)} (id, name) VALUES (12, 'z')`,
            sql`INSERT INTO ${sql.unsafe(tbl)} (id, name) VALUES (10, 'dup')`,
          ]),
          "23505",
        );
        assert.match(err.message, /duplicate key/);
        assert.equal(await count(), 2);
      },
    );

    await t.step(
      "neon bridge honours isolation level, readOnly and deferrable",
      async () => {
        const levels = {
          ReadUncommitted: "read uncommitted",
          ReadCommitted: "read committed",
          RepeatableRead: "repeatable read",
          Serializable: "serializable",
        } as const;
        for (const [isolationLevel, shown] of Object.entries(levels)) {
          const [[r]] = await sql.transaction(
            [sql`SHOW transaction_isolation`],
            {
              isolationLevel: isolationLevel as keyof typeof levels,
            },
          );
          assert.equal(r.transaction_isolation, shown);
        }
        const [[ro], [df]] = await sql.transaction(
          [sql`SHOW transaction_read_only`, sql`SHOW transaction_deferrable`],
          { isolationLevel: "Serializable", readOnly: true, deferrable: true },
        );
        assert.deepEqual(
          [ro.transaction_read_only, df.transaction_deferrable],
          ["on", "on"],
        );
        const [[rw]] = await sql.transaction(
          [sql`SHOW transaction_read_only`],
          { readOnly: false },
        );
        assert.equal(rw.transaction_read_only, "off");
        await rejectsWithCode(
          sql.transaction([sql`DELETE FROM ${sql.unsafe(tbl)}`], {
            readOnly: true,
          }),
          "25006",
        );
        assert.equal(await count(), 2);
      },
    );

    await t.step(
      "neon bridge rejects bad batch headers, bad bodies and other hosts",
      async () => {
        const post = (body: string, headers: Record<string, string> = {}) =>
          fetch(bridge.sqlEndpoint, {
            method: "POST",
            body,
            headers: { "Neon-Connection-String": dbUrl, ...headers },
          }).then(async (r) => [r.status, await r.json()] as const);
        const batch = JSON.stringify({
          queries: [{ query: "SELECT 1", params: [] }],
        });
        assert.equal(
          (await post(batch, { "Neon-Batch-Isolation-Level": "Chaos" }))[0],
          400,
        );
        assert.equal(
          (await post(batch, { "Neon-Batch-Read-Only": "yes" }))[0],
          400,
        );
        const [status, body] = await post("{not json");
        assert.equal(status, 400);
        assert.equal(typeof body.message, "string");
        const other = new URL(dbUrl);
        other.host = "10.1.2.3:5432";
        assert.equal(
          (await post(batch, { "Neon-Connection-String": other.href }))[0],
          403,
        );
        const ws = await fetch(`${bridge.url}/v2?address=10.1.2.3:5432`, {
          headers: { upgrade: "websocket" },
        });
        await ws.body?.cancel();
        assert.equal(ws.status, 403);
      },
    );

    await t.step(
      "neon bridge relays Pool/Client interactive transactions over WebSocket",
      async () => {
        const pool = pgPool({ ...env, DATABASE_URL: dbUrl }, 2);
        try {
          const a = await pool.connect();
          try {
            await a.query("BEGIN");
            const locked = await a.query(
              `SELECT qty FROM ${tbl} WHERE id = 10 FOR UPDATE`,
            );
            assert.deepEqual(locked.rows, [{ qty: 0 }]);
            await a.query(`UPDATE ${tbl} SET qty = 5 WHERE id = 10`);
            // The row lock is real: another connection cannot take it.
            await assert.rejects(
              pool.query(
                `SELECT 1 FROM ${tbl} WHERE id = 10 FOR UPDATE NOWAIT`,
              ),
              (e: { code?: string }) => e.code === "55P03",
            );
            assert.deepEqual(
              await sql.query(`SELECT qty FROM ${tbl} WHERE id = 10`),
              [{ qty: 0 }],
            );
            await a.query("COMMIT");
            assert.deepEqual(
              await sql.query(`SELECT qty FROM ${tbl} WHERE id = 10`),
              [{ qty: 5 }],
            );

            await a.query("BEGIN");
            await a.query(`UPDATE ${tbl} SET qty = 99 WHERE id = 10`);
            await a.query("ROLLBACK");
            const b = await pool.query(`SELECT qty FROM ${tbl} WHERE id = 10`);
            assert.deepEqual(b.rows, [{ qty: 5 }]);
          } finally {
            a.release();
          }
        } finally {
          await pool.end();
        }
      },
    );

    await t.step(
      "neon bridge relays bytes in any chunking and closes Postgres when the WebSocket closes",
      async () => {
        const appName = `bridge-relay-${crypto.randomUUID().slice(0, 8)}`;
        const ws = new WebSocket(
          `ws://${bridge.wsProxy}?address=${url.hostname}:${url.port || 5432}`,
        );
        ws.binaryType = "arraybuffer";
        const received: number[] = [];
        const ready = new Promise<void>((resolve, reject) => {
          ws.onmessage = (e) => {
            received.push(...new Uint8Array(e.data));
            if (received.includes(0x5a)) resolve(); // 'Z' ReadyForQuery (no other message has it here)
          };
          ws.onerror = () => reject(new Error("relay WebSocket failed"));
        });
        const closed = new Promise((resolve) => ws.onclose = resolve);
        await new Promise((resolve) => ws.onopen = resolve);
        // StartupMessage, protocol 3.0, sent one byte per frame.
        const params = [
          "user",
          url.username,
          "database",
          url.pathname.slice(1),
          "application_name",
          appName,
        ];
        const body = new TextEncoder().encode(params.join("\0") + "\0\0");
        const msg = new Uint8Array(8 + body.length);
        new DataView(msg.buffer).setInt32(0, msg.length);
        new DataView(msg.buffer).setInt32(4, 196608);
        msg.set(body, 8);
        for (const byte of msg) ws.send(new Uint8Array([byte]));
        await ready;
        assert.deepEqual(received.slice(0, 9), [0x52, 0, 0, 0, 8, 0, 0, 0, 0]); // AuthenticationOk
        const backends = async () =>
          (await sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${appName}`)[
            0
          ].n;
        assert.equal(await backends(), 1);
        ws.close();
        await closed;
        for (let i = 0; i < 50 && await backends() > 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(await backends(), 0);
      },
    );

    await t.step(
      "neon bridge reports an unreachable Postgres as a server error",
      async () => {
        const down = new URL(dbUrl);
        down.port = "1";
        await assert.rejects(neon(down.href)`SELECT 1`, /HTTP status 502/);
        const ws = await fetch(`${bridge.url}/v2?address=127.0.0.1:1`, {
          headers: { upgrade: "websocket" },
        });
        await ws.body?.cancel();
        assert.equal(ws.status, 502);
      },
    );

    const typesQuery =
      `SELECT 42::int4 AS i4, 9007199254740993::int8 AS i8, 12345.678901234567890::numeric AS num,
      true AS yes, 'Zoë ✓ 日本 🚀' AS txt, '{"a":[1,{"b":null}],"c":"é"}'::jsonb AS doc,
      ARRAY[1,2,3]::int[] AS ints, ARRAY['a,b','"q"',NULL]::text[] AS texts,
      $1::bytea AS bytes, $2::timestamptz AS ts, NULL::int AS nothing`;
    const bytes = new Uint8Array([0, 1, 127, 128, 255]);
    const when = new Date("2024-02-29T23:59:58.123Z");
    const checkTypes = (r: Record<string, unknown>) => {
      assert.equal(r.i4, 42);
      assert.equal(r.i8, "9007199254740993");
      assert.equal(r.num, "12345.678901234567890");
      assert.equal(r.yes, true);
      assert.equal(r.txt, "Zoë ✓ 日本 🚀");
      assert.deepEqual(r.doc, { a: [1, { b: null }], c: "é" });
      assert.deepEqual(r.ints, [1, 2, 3]);
      assert.deepEqual(r.texts, ["a,b", '"q"', null]);
      assert.ok(r.bytes instanceof Uint8Array);
      assert.deepEqual([...r.bytes], [...bytes]);
      assert.ok(r.ts instanceof Date);
      assert.equal(r.ts.getTime(), when.getTime());
      assert.equal(r.nothing, null);
    };

    await t.step(
      "neon bridge round-trips Postgres types over HTTP",
      async () => {
        const [row] = await sql.query(typesQuery, [bytes, when]);
        checkTypes(row);
        const [tagged] = await sql`SELECT ${bytes} AS b, ${{
          k: [1, "two"],
        }}::jsonb AS j, ${[1, 2]}::int[] AS a`;
        assert.deepEqual([...tagged.b], [...bytes]);
        assert.deepEqual(tagged.j, { k: [1, "two"] });
        assert.deepEqual(tagged.a, [1, 2]);
      },
    );

    await t.step(
      "neon bridge round-trips Postgres types over WebSocket",
      async () => {
        const pool = pgPool({ ...env, DATABASE_URL: dbUrl });
        try {
          const { rows } = await pool.query(typesQuery, [bytes, when]);
          checkTypes(rows[0]);
        } finally {
          await pool.end();
        }
      },
    );

    await t.step(
      "neon bridge turns Postgres errors into NeonDbError with their fields",
      async () => {
        const dup = await rejectsWithCode(
          sql`INSERT INTO ${sql.unsafe(tbl)} (id, name) VALUES (99, 'x')`,
          "23505",
        );
        assert.equal(dup.constraint, "item_name_key");
        assert.match(dup.detail ?? "", /Key \(name\)=\(x\) already exists/);
        assert.equal(dup.table, "item");
        assert.equal(dup.schema, schema);
        const missing = await rejectsWithCode(
          sql`SELECT * FROM no_such_table_here`,
          "42P01",
        );
        assert.equal(missing.severity, "ERROR");
        assert.equal(missing.position, "15");
        await rejectsWithCode(sql`SELECT ${"abc"}::int`, "22P02");
      },
    );

    await t.step(
      "neon bridge refuses two statements in one query",
      async () => {
        const err = await rejectsWithCode(
          sql.query("SELECT 1; SELECT 2"),
          "42601",
        );
        assert.match(
          err.message,
          /cannot insert multiple commands into a prepared statement/,
        );
      },
    );

    await t.step(
      "neon bridge does not leak session state between requests",
      async () => {
        // Sequential requests reuse the same pooled connection, so a bridge
        // that skipped the reset would show the previous request's state.
        for (let i = 0; i < 5; i++) {
          await sql.query(`SET search_path TO ${schema}`);
          await sql.query(`CREATE TEMP TABLE leak_${i} (x int)`);
          const [{ search_path }] = await sql`SHOW search_path`;
          assert.equal(search_path, '"$user", public');
          const [{ t }] = await sql.query(
            `SELECT to_regclass('pg_temp.leak_${i}')::text AS t`,
          );
          assert.equal(t, null);
        }
        // A bare BEGIN must not leave the next request inside a transaction.
        await sql`BEGIN`;
        await sql.query(
          `INSERT INTO ${tbl} (id, name) VALUES (50, 'after-begin')`,
        );
        const pool = pgPool({ ...env, DATABASE_URL: dbUrl });
        try {
          const { rows } = await pool.query(
            `SELECT name FROM ${tbl} WHERE id = 50`,
          );
          assert.deepEqual(rows, [{ name: "after-begin" }]);
        } finally {
          await pool.end();
        }
      },
    );
  } finally {
    await sql.query(`DROP SCHEMA ${schema} CASCADE`);
    await bridge.close();
  }
});
