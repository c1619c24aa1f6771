/**
 * Counts this process's round trips to Postgres and Redis: both drivers
 * speak HTTP through `globalThis.fetch`, so one request to the Neon endpoint
 * or to the Upstash URL is one round trip (auto-pipelined Redis commands
 * share one). Used by tests that pin an endpoint's round trips and by benches.
 */
export interface RoundTrips {
  postgres: number;
  redis: number;
  /** Postgres requests `isProvider` set apart (a stand-in payment provider's own connection). */
  provider: number;
  /** Any other request (a JWKS fetch, say). */
  other: number;
  /** Puts the real fetch back. */
  stop(): void;
}

/** Starts counting requests to `env`'s Neon endpoint and Upstash URL until `stop()`. */
export function countRoundTrips(
  env: Record<string, string>,
  isProvider: (connectionString: string) => boolean = () => false,
): RoundTrips {
  const { NEON_HTTP_ENDPOINT: neon, UPSTASH_REDIS_REST_URL: upstash } = env;
  if (!neon || !upstash) throw new Error("Set NEON_HTTP_ENDPOINT and UPSTASH_REDIS_REST_URL");
  const real = globalThis.fetch;
  const trips: RoundTrips = {
    postgres: 0,
    redis: 0,
    provider: 0,
    other: 0,
    stop: () => globalThis.fetch = real,
  };
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(neon)) {
      const headers = new Headers(input instanceof Request ? input.headers : init?.headers);
      if (isProvider(headers.get("Neon-Connection-String") ?? "")) trips.provider++;
      else trips.postgres++;
    } else if (url.startsWith(upstash)) trips.redis++;
    else trips.other++;
    return real(input, init);
  };
  return trips;
}

/** The round trips `work` makes. */
export async function countTrips(
  env: Record<string, string>,
  work: () => Promise<unknown>,
  isProvider?: (connectionString: string) => boolean,
): Promise<Omit<RoundTrips, "stop">> {
  const trips = countRoundTrips(env, isProvider);
  try {
    await work();
  } finally {
    trips.stop();
  }
  const { stop: _, ...counts } = trips;
  return counts;
}
