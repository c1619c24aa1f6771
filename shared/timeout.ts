/**
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
