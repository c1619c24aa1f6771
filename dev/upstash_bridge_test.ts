/**
 * Conformance of the local Upstash bridge, driven by the unmodified
 * `@upstash/redis` client (default settings: auto-pipelining and base64 on)
 * against the real Redis. Every test starts its own bridge on a free port
 * and deletes its own keys; nothing else in Redis is touched.
 */
import assert from "node:assert/strict";
import { errors, Redis, type RedisConfigNodejs } from "@upstash/redis";
import { Ratelimit } from "@upstash/ratelimit";
import { startUpstashBridge, type UpstashBridge } from "./upstash_bridge.ts";
import { deleteKeys } from "./servers.ts";
import { testPrefix, testRedisUrl } from "../tests/config.ts";

const TOKEN = "bridge-test-token";
const runPrefix = testPrefix();
let testNo = 0;

interface Ctx {
  bridge: UpstashBridge;
  /** A client with default settings. */
  redis: Redis;
  client(opts?: Partial<RedisConfigNodejs>): Redis;
  /** This test's key for `name`. */
  k(name: string): string;
  /** A hand-made request: a string body is sent as is, anything else as JSON. */
  raw(path: string, body: unknown, base64?: boolean): Promise<Response>;
}

function bridgeTest(name: string, fn: (ctx: Ctx) => Promise<void>) {
  Deno.test(name, async () => {
    const prefix = `${runPrefix}${++testNo}:`;
    const redisUrl = testRedisUrl();
    const bridge = await startUpstashBridge({ redisUrl, token: TOKEN });
    const client = (opts: Partial<RedisConfigNodejs> = {}) =>
      new Redis({
        url: bridge.url,
        token: TOKEN,
        enableTelemetry: false,
        ...opts,
      });
    const raw = (path: string, body: unknown, base64 = false) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${TOKEN}`,
      };
      if (base64) headers["Upstash-Encoding"] = "base64";
      const text = typeof body === "string" ? body : JSON.stringify(body);
      return fetch(bridge.url + path, { method: "POST", body: text, headers });
    };
    const k = (name: string) => prefix + name;
    try {
      await fn({ bridge, redis: client(), client, k, raw });
    } finally {
      await bridge.close();
      // Straight through Redis, so cleanup works even when the bridge is broken.
      await deleteKeys(redisUrl, prefix);
    }
  });
}

type Sent = { path: string; commands: number };

/** Runs `run` while recording each request the client sends. */
async function recording<T>(run: () => Promise<T>): Promise<[T, Sent[]]> {
  const sent: Sent[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const path = new URL(input instanceof Request ? input.url : input).pathname;
    const body = JSON.parse(String(init?.body));
    sent.push({ path, commands: path === "/" ? 1 : body.length });
    return realFetch(input, init);
  };
  try {
    return [await run(), sent];
  } finally {
    globalThis.fetch = realFetch;
  }
}

async function rejectsWith(p: Promise<unknown>, message: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof errors.UpstashError, `not an UpstashError: ${e}`);
    assert.match(e.message, message);
    return true;
  });
}

bridgeTest("set/get: strings, numbers, JSON and missing keys", async (t) => {
  const { redis, k } = t;
  assert.equal(await redis.set(k("s"), "hello"), "OK");
  assert.equal(await redis.get(k("s")), "hello");
  await redis.set(k("n"), "5");
  assert.equal(await redis.get(k("n")), 5, 'the client parses "5" into 5');
  await redis.set(k("big"), "12345678901234567890");
  assert.equal(await redis.get(k("big")), "12345678901234567890");
  const obj = { id: 7, tags: ["x", "y"], nested: { ok: true, no: null } };
  await redis.set(k("obj"), obj);
  assert.deepEqual(await redis.get(k("obj")), obj);
  assert.equal(await redis.get(k("missing")), null);
});

bridgeTest(
  "unicode, base64-like and control-char strings round trip",
  async (t) => {
    const unicode = ["héllo wörld ç", "日本語 中文 한국어", "🎉👩‍💻🇫🇷"];
    // Strings that are valid base64 themselves, "OK", and control characters.
    const tricky = ["abcd", "T0s=", "OK", "a\u0000b\u0001\u007f\u00ff"];
    const values = [...unicode, ...tricky];
    for (const redis of [t.redis, t.client({ responseEncoding: false })]) {
      await Promise.all(values.map((v, i) => redis.set(t.k(`u${i}`), v)));
      const got = await Promise.all(
        values.map((_, i) => redis.get(t.k(`u${i}`))),
      );
      assert.deepEqual(got, values);
    }
  },
);

bridgeTest(
  "wire: base64 status replies and bytes, flat HGETALL",
  async (t) => {
    const { redis, k, raw } = t;
    await redis.set(k("t"), "v");
    await redis.hset(k("h"), { f: 1 });
    // TYPE answers a status reply that is not "OK": unencoded, it would decode
    // to garbage on the client.
    const types = await Promise.all([redis.type(k("t")), redis.type(k("h"))]);
    assert.deepEqual(types, ["string", "hash"]);
    const set = await raw("/", ["set", k("r"), "v"], true);
    assert.deepEqual(await set.json(), { result: "T0s=" });
    const plain = await raw("/", ["set", k("r"), "v"]);
    assert.deepEqual(await plain.json(), { result: "OK" });
    // Raw replies: HGETALL is a flat array, as Upstash sends it.
    const hash = await raw("/", ["hgetall", k("h")]);
    assert.deepEqual(await hash.json(), { result: ["f", "1"] });
    // SETBIT stores the byte 0x80, which is not UTF-8: base64 must carry it as is.
    await redis.setbit(k("bits"), 0, 1);
    const bits = await raw("/", ["get", k("bits")], true);
    assert.deepEqual(await bits.json(), { result: "gA==" });
  },
);

bridgeTest("automaticDeserialization:false returns raw strings", async (t) => {
  const redis = t.client({ automaticDeserialization: false });
  await redis.set(t.k("n"), 5);
  await redis.set(t.k("o"), { a: 1 });
  assert.equal(await redis.get(t.k("n")), "5");
  assert.equal(await redis.get(t.k("o")), '{"a":1}');
});

bridgeTest("set with nx/ex, expire and ttl", async ({ redis, k }) => {
  assert.equal(await redis.set(k("a"), "1", { nx: true, ex: 100 }), "OK");
  assert.equal(await redis.set(k("a"), "2", { nx: true, ex: 100 }), null);
  assert.equal(await redis.get(k("a")), 1);
  const ttl = await redis.ttl(k("a"));
  assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
  await redis.set(k("b"), "x");
  assert.equal(await redis.ttl(k("b")), -1);
  assert.equal(await redis.expire(k("b"), 50), 1);
  const ttlB = await redis.ttl(k("b"));
  assert.ok(ttlB > 40 && ttlB <= 50, `ttl ${ttlB}`);
  assert.equal(await redis.ttl(k("missing")), -2);
});

bridgeTest("incr/incrby, hashes, lists, sets, zsets with scores", async (t) => {
  const { redis, k } = t;
  assert.equal(await redis.incr(k("c")), 1);
  assert.equal(await redis.incrby(k("c"), 41), 42);
  const hash = { name: "Ada", age: 36, tags: ["x"] };
  assert.equal(await redis.hset(k("h"), hash), 3);
  assert.deepEqual(await redis.hgetall(k("h")), hash);
  assert.equal(await redis.hgetall(k("nohash")), null);
  assert.equal(await redis.rpush(k("l"), "a", "b", "c"), 3);
  assert.deepEqual(await redis.lrange(k("l"), 0, -1), ["a", "b", "c"]);
  assert.equal(await redis.lpop(k("l")), "a");
  assert.equal(await redis.sadd(k("s"), "x", "y", "z"), 3);
  assert.deepEqual((await redis.smembers(k("s"))).sort(), ["x", "y", "z"]);
  assert.equal(await redis.sismember(k("s"), "y"), 1);
  const b = { score: 2.5, member: "b" };
  await redis.zadd(k("z"), b, { score: 1, member: "a" });
  const zrange = await redis.zrange(k("z"), 0, -1, { withScores: true });
  assert.deepEqual(zrange, ["a", 1, "b", 2.5]);
  assert.equal(await redis.zscore(k("z"), "b"), 2.5);
});

bridgeTest("auto-pipelining: 50 commands, 1 request, in order", async (t) => {
  const { redis, k } = t;
  const ids = [...Array(50).keys()];
  const [sets, setReqs] = await recording(() =>
    Promise.all(ids.map((i) => redis.set(k(`p${i}`), `v${i}`)))
  );
  assert.deepEqual(setReqs, [{ path: "/pipeline", commands: 50 }]);
  assert.deepEqual(sets, ids.map(() => "OK"));
  const [gets, getReqs] = await recording(() => Promise.all(ids.map((i) => redis.get(k(`p${i}`)))));
  assert.deepEqual(getReqs, [{ path: "/pipeline", commands: 50 }]);
  assert.deepEqual(gets, ids.map((i) => `v${i}`));
  const incrs = await Promise.all(ids.map(() => redis.incr(k("ctr"))));
  assert.deepEqual(incrs, ids.map((i) => i + 1), "run in the order sent");
});

bridgeTest(
  "an error in an auto-pipeline rejects only its command",
  async (t) => {
    const { redis, k } = t;
    await redis.set(k("str"), "not a number");
    const [[set, incrStr, incr], sent] = await recording(() =>
      Promise.allSettled([
        redis.set(k("a"), 1),
        redis.incr(k("str")),
        redis.incr(k("c")),
      ])
    );
    assert.deepEqual(sent, [{ path: "/pipeline", commands: 3 }]);
    assert.deepEqual(set, { status: "fulfilled", value: "OK" });
    assert.equal(incrStr.status, "rejected");
    await rejectsWith(
      Promise.reject(incrStr.reason),
      /ERR value is not an integer/,
    );
    assert.deepEqual(incr, { status: "fulfilled", value: 1 });
  },
);

bridgeTest("pipeline(): ordered results; keepErrors per command", async (t) => {
  const { redis, k } = t;
  const [results, sent] = await recording(() =>
    redis.pipeline().set(k("a"), 10).incr(k("a")).get(k("a")).hset(k("h"), {
      f: "v",
    })
      .exec()
  );
  assert.deepEqual(sent, [{ path: "/pipeline", commands: 4 }]);
  assert.deepEqual(results, ["OK", 11, 11, 1]);
  await rejectsWith(
    redis.pipeline().set(k("b"), "x").incr(k("b")).exec(),
    /Command 2 \[ incr \] failed: ERR value is not an integer/,
  );
  const kept = await redis.pipeline().get(k("b")).lpush(k("b"), "y")
    .exec({ keepErrors: true });
  assert.deepEqual(kept[0], { result: "x", error: undefined });
  assert.match(String(kept[1].error), /^WRONGTYPE/);
});

bridgeTest(
  "multi(): one /multi-exec; runtime errors per command",
  async (t) => {
    const { redis, k } = t;
    const [results, sent] = await recording(() =>
      redis.multi().set(k("a"), 1).incr(k("a")).get(k("a")).exec()
    );
    assert.deepEqual(sent, [{ path: "/multi-exec", commands: 3 }]);
    assert.deepEqual(results, ["OK", 2, 2]);
    const kept = await redis.multi().set(k("b"), "x").incr(k("b")).get(k("b"))
      .exec({ keepErrors: true });
    assert.deepEqual(kept[0], { result: "OK", error: undefined });
    assert.match(String(kept[1].error), /ERR value is not an integer/);
    assert.deepEqual(kept[2], { result: "x", error: undefined }, "no rollback");
  },
);

bridgeTest("20 concurrent multi() all succeed, each atomic", async (t) => {
  const { redis, k } = t;
  const results = await Promise.all(
    [...Array(20)].map(() => redis.multi().incr(k("n")).get(k("n")).exec()),
  );
  // Each transaction's GET must see its own INCR, not a neighbour's.
  for (const [n, seen] of results) assert.equal(seen, n);
  const counts = results.map(([n]) => n).sort((a, b) => a - b);
  assert.deepEqual(counts, [...Array(20)].map((_, i) => i + 1));
});

bridgeTest("multi() with a queueing error aborts (EXECABORT)", async (t) => {
  // DEL without keys fails at queue time (wrong arity), so nothing may run.
  const tx = t.redis.multi().set(t.k("a"), 1).del();
  await rejectsWith(tx.exec(), /^EXECABORT/);
  assert.equal(await t.redis.get(t.k("a")), null);
});

bridgeTest("single-command errors carry Redis' message", async (t) => {
  const { redis, k } = t;
  await redis.set(k("s"), "v");
  // HGETALL is never auto-pipelined: it goes to POST / alone.
  const [, sent] = await recording(() =>
    rejectsWith(redis.hgetall(k("s")), /^WRONGTYPE Operation against a key/)
  );
  assert.deepEqual(sent, [{ path: "/", commands: 1 }]);
  const unknown = redis.exec(["nosuchcommand", "x"]);
  await rejectsWith(unknown, /^ERR unknown command 'nosuchcommand'/);
  const res = await t.raw("/", ["incr", k("s")]);
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /^ERR value is not an integer/);
});

bridgeTest("a wrong token gets 401 Unauthorized", async (t) => {
  const bad = t.client({ token: "wrong-token" });
  await rejectsWith(bad.get(t.k("a")), /Unauthorized/);
  const res = await fetch(t.bridge.url, { method: "POST", body: '["ping"]' });
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { error: "Unauthorized" });
});

bridgeTest(
  "malformed bodies and stateful commands get 400",
  async ({ raw }) => {
    const cases: [string, unknown][] = [
      ["/", "{nope"],
      ["/", { a: 1 }],
      ["/", []],
      ["/pipeline", ["get", "k"]],
      ["/", ["get", { a: 1 }]],
      ["/", ["subscribe", "c"]],
      ["/", ["select", "1"]],
      ["/", ["blpop", "k", "0"]],
      ["/multi-exec", [["watch", "k"]]],
    ];
    for (const [path, body] of cases) {
      const res = await raw(path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.equal(typeof (await res.json()).error, "string");
    }
  },
);

bridgeTest(
  "eval runs a Lua script with keys and args",
  async ({ redis, k }) => {
    const script = `redis.call('set', KEYS[1], ARGV[1])
    return {KEYS[2], redis.call('get', KEYS[1]),
            redis.call('incrby', KEYS[2], ARGV[2])}`;
    const result = await redis.eval(script, [k("a"), k("b")], ["hello", 5]);
    assert.deepEqual(result, [k("b"), "hello", 5]);
  },
);

bridgeTest(
  "scan with match and count walks every key",
  async ({ redis, k }) => {
    const expected = [...Array(30)].map((_, i) => k(`scan:${i}`));
    await Promise.all(expected.map((key) => redis.set(key, 1)));
    const seen = new Set<string>();
    let cursor: string | number = "0";
    do {
      const opts = { match: k("scan:*"), count: 10 };
      const [next, keys]: [string | number, string[]] = await redis.scan(
        cursor,
        opts,
      );
      keys.forEach((key) => seen.add(key));
      cursor = next;
    } while (String(cursor) !== "0");
    assert.deepEqual([...seen].sort(), expected.sort());
  },
);

bridgeTest(
  "@upstash/ratelimit's flagged scripts run through EVALSHA and EVAL on a Redis without those flags",
  async ({ redis, k }) => {
    const limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(2, "10 s"),
      prefix: k("rl"),
      analytics: false,
    });
    // The first call meets NOSCRIPT on EVALSHA and falls back to EVAL; the
    // later ones hit the script Redis now holds under the client's hash.
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push((await limiter.limit("someone")).success);
    assert.deepEqual(outcomes, [true, true, false]);
    const sha = await redis.scriptLoad("#!lua flags=allow-key-locking,no-writes\nreturn 7");
    assert.equal(await redis.evalsha(sha, [], []), 7);
    assert.deepEqual(await redis.scriptExists(sha), [1]);
  },
);
