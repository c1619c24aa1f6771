/**
 * Both local bridges in front of the servers `ensureServers` found: the
 * Neon bridge may reach only that PostgreSQL, the Upstash bridge speaks to
 * that Redis with `token`.
 */
import { type NeonBridge, startNeonBridge } from "./neon_bridge.ts";
import { startUpstashBridge } from "./upstash_bridge.ts";
import type { Servers } from "./servers.ts";

export interface Bridges {
  neon: NeonBridge;
  upstash: { url: string; token: string };
  close(): Promise<void>;
}

/** Starts both bridges (port 0 = a free port); `close()` stops them. */
export async function startBridges(
  servers: Pick<Servers, "postgresUrl" | "redisUrl">,
  opts: { neonPort?: number; upstashPort?: number; token?: string } = {},
): Promise<Bridges> {
  const pg = new URL(servers.postgresUrl);
  const neon = await startNeonBridge({
    port: opts.neonPort ?? 0,
    allowedHosts: [`${pg.hostname}:${pg.port || 5432}`],
  });
  const token = opts.token ?? crypto.randomUUID();
  try {
    const upstash = await startUpstashBridge({
      redisUrl: servers.redisUrl,
      token,
      port: opts.upstashPort ?? 0,
    });
    return {
      neon,
      upstash: { url: upstash.url, token },
      async close() {
        await upstash.close();
        await neon.close();
      },
    };
  } catch (err) {
    await neon.close();
    throw err;
  }
}
