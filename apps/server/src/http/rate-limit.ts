// Fixed-window rate limits on sign-up and log-in, per client address and per target account.
// In memory for one process; in Redis (REDIS_URL) so that every instance shares the counts.
import { createClient } from "redis";

export interface RateLimiter {
  /** Counts one hit on `key`; answers the seconds to wait when the limit is exceeded. */
  hit(
    key: string,
    limit: number,
    windowMs: number,
  ): Promise<{ retryAfterSeconds: number } | undefined>;
  close(): Promise<void>;
}

export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sweptAt = now();
  return {
    async hit(key, limit, windowMs) {
      const at = now();
      // Forget finished windows now and then, so that memory follows the active keys only.
      if (at - sweptAt > windowMs) {
        for (const [k, w] of windows) if (w.resetAt <= at) windows.delete(k);
        sweptAt = at;
      }
      let window = windows.get(key);
      if (!window || window.resetAt <= at) {
        window = { count: 0, resetAt: at + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return window.count > limit
        ? { retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - at) / 1000)) }
        : undefined;
    },
    async close() {},
  };
}

// INCR and the window's expiry in one step, so that no key is left without an expiry.
const HIT_SCRIPT = `
local count = redis.call("INCR", KEYS[1])
if count == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[1]) end
return { count, redis.call("PTTL", KEYS[1]) }`;

export async function createRedisRateLimiter(
  url: string,
  prefix = "kibo-auth:rl:",
): Promise<RateLimiter> {
  const client = createClient({ url });
  // Reconnection is the client's job; an error event must not crash the process.
  client.on("error", () => {});
  await client.connect();
  return {
    async hit(key, limit, windowMs) {
      const [count, ttl] = (await client.eval(HIT_SCRIPT, {
        keys: [`${prefix}${key}`],
        arguments: [String(windowMs)],
      })) as [number, number];
      return count > limit ? { retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) } : undefined;
    },
    async close() {
      await client.quit();
    },
  };
}
