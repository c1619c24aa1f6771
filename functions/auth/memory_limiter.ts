/**
 * A fixed-window counter held in the isolate. It stands in for Redis when
 * Redis does not answer, so login stays limited (per isolate, with the same
 * numbers) instead of failing for everyone or becoming unlimited.
 */
const MAX_KEYS = 10_000;

interface Window {
  count: number;
  resetAt: number;
}

const windows = new Map<string, Window>();

function current(key: string, windowMs: number, now: number): Window {
  let w = windows.get(key);
  if (!w || w.resetAt <= now) {
    windows.delete(key);
    // Bounded memory: the oldest entries go first (Map keeps insertion order).
    while (windows.size >= MAX_KEYS) windows.delete(windows.keys().next().value!);
    w = { count: 0, resetAt: now + windowMs };
    windows.set(key, w);
  }
  return w;
}

/** Counts one hit; answers whether it is within `limit` and when the window resets. */
export function memoryConsume(key: string, limit: number, windowMs: number, now = Date.now()) {
  const w = current(key, windowMs, now);
  w.count++;
  return { success: w.count <= limit, remaining: Math.max(0, limit - w.count), reset: w.resetAt };
}

/** Whether another hit would still be allowed, without counting one. */
export function memoryPeek(key: string, limit: number, windowMs: number, now = Date.now()) {
  const w = current(key, windowMs, now);
  return { success: w.count < limit, remaining: Math.max(0, limit - w.count), reset: w.resetAt };
}
