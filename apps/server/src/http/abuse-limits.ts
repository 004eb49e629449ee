// Applies the rate limits to sign-up and log-in: one count per client address and one per
// target account (its user name or email address, as uniqueness sees it).
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { TooManyRequestsError } from "./errors.js";
import type { RateLimiter } from "./rate-limit.js";

export type LimitedAction = "sign-up" | "log-in";

export interface AbuseLimits {
  check(c: Context, action: LimitedAction, accountKey: string): Promise<void>;
}

export function createAbuseLimits(
  limiter: RateLimiter,
  limits: Config["rateLimits"],
  logger: Logger,
): AbuseLimits {
  const addressOf = (c: Context): string => {
    if (limits.trustedProxies > 0) {
      // Each proxy appends the address it saw, so the client's is the entry the outermost
      // trusted proxy appended: the Nth from the end. Entries before it came with the request,
      // and a client can write anything there. With fewer entries (a request that bypassed a
      // proxy) the first one is the closest to the client there is.
      const entries = c.req.header("x-forwarded-for")?.split(",") ?? [];
      const forwarded = entries[Math.max(0, entries.length - limits.trustedProxies)]?.trim();
      if (forwarded) return forwarded;
    }
    try {
      return getConnInfo(c).remote.address ?? "unknown";
    } catch {
      return "unknown"; // in-process requests (tests) have no socket
    }
  };
  return {
    async check(c, action, accountKey) {
      const checks = [
        [`${action}:address:${addressOf(c)}`, limits.perAddress],
        [`${action}:account:${accountKey}`, limits.perAccount],
      ] as const;
      for (const [key, limit] of checks) {
        let refused: { retryAfterSeconds: number } | undefined;
        try {
          refused = await limiter.hit(key, limit, limits.windowMs);
        } catch (error) {
          // A limiter outage must not take sign-up down with it: count nothing, say so.
          logger.warn("rate limiter unavailable", { error: (error as Error).name });
          return;
        }
        if (refused) {
          throw new TooManyRequestsError(
            "Too many attempts; try again later.",
            refused.retryAfterSeconds,
          );
        }
      }
    },
  };
}
