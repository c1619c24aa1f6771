/**
 * Deadlines that can go through a call's own signal do (shared/db.ts and
 * shared/redis.ts pass `AbortSignal.timeout` to the clients). This wrapper
 * is for the three waits that cannot: a search cache lookup (an
 * @upstash/redis client takes one signal for all its commands, and the
 * cache store that follows must outlive the lookup's 250 ms budget), the
 * login rate limits (@upstash/ratelimit's own `timeout` lets the request
 * through, where auth falls back to its memory limiter) and a payment
 * provider's charge (`PaymentProvider.charge` takes no signal).
 *
 * Settles like `work`, or rejects with a `TimeoutError` DOMException once
 * `ms` have passed (the work itself goes on; only the wait ends).
 */
export function withTimeout<T>(work: Promise<T>, ms: number, what = "The operation"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DOMException(`${what} did not answer within ${ms} ms`, "TimeoutError")),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
