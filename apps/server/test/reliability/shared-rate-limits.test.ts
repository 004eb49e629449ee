// Rate limits shared by two instances of the built server through Redis (TEST_REDIS_URL):
// attempts at one account, or from one client address, count together whichever instance
// receives them. The same requests against two instances without Redis are the control:
// each counts alone, so the limit is not reached, which shows the 429s come from the sharing.
// The server's key prefix is fixed, so each run uses accounts and addresses of its own.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "../support/server-process.js";
import {
  appCredentials,
  appEnv,
  appTokenFrom,
  builtServerSuite,
  checkedSend,
  freshEmail,
  LOG_IN,
  parse,
  SIGN_UP,
} from "./support.js";

const REDIS_URL = process.env.TEST_REDIS_URL;
const PER_ACCOUNT = 3;
const PER_ADDRESS = 4;
const WINDOW_SECONDS = 60;

/** An address no other run uses, from the documentation range 2001:db8::/32. */
const uniqueAddress = () =>
  `2001:db8:${randomBytes(6).toString("hex").match(/.{4}/g)?.join(":")}::1`;

describe.runIf(REDIS_URL)(
  "rate limits shared by two server processes through Redis (TEST_REDIS_URL)",
  () => {
    // One SQLite file for all four processes: the database is not what is shared here.
    const suite = builtServerSuite("sqlite");
    const { watch } = suite;
    const app = appCredentials("shared-limits");
    let pairs: Record<
      "shared" | "alone",
      { one: ServerProcess; two: ServerProcess; token: string }
    >;

    beforeAll(async () => {
      const start = async (name: string, redis: boolean) => {
        const server = await startServer({
          databaseUrl: suite.db.url,
          env: {
            ...appEnv(app),
            RATE_LIMIT_PER_ACCOUNT: String(PER_ACCOUNT),
            RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
            RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
            // Each request names its client address, so that runs and tests do not share one.
            TRUST_PROXY: "true",
            ...(redis ? { REDIS_URL: REDIS_URL as string } : {}),
          },
          name,
        });
        suite.record(server);
        return server;
      };
      const shared = { one: await start("redis one", true), two: await start("redis two", true) };
      const alone = {
        one: await start("memory one", false),
        two: await start("memory two", false),
      };
      pairs = {
        shared: { ...shared, token: await appTokenFrom(watch, shared.one.origin, app) },
        alone: { ...alone, token: await appTokenFrom(watch, alone.one.origin, app) },
      };
    }, 180_000);

    const attempt = (
      server: ServerProcess,
      token: string,
      path: string,
      body: unknown,
      address: string,
    ) =>
      checkedSend(watch, server.origin, {
        method: "POST",
        path,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "x-forwarded-for": address,
        },
        body: JSON.stringify(body),
      });

    /** Log-ins alternating between the pair's two processes; answers the statuses. */
    const alternate = async (
      pair: keyof typeof pairs,
      bodies: unknown[],
      addresses: string[],
      path = LOG_IN,
    ) => {
      const { one, two, token } = pairs[pair];
      const outcomes = [];
      for (const [i, body] of bodies.entries()) {
        outcomes.push(
          await attempt(
            i % 2 === 0 ? one : two,
            token,
            path,
            body,
            addresses[i] ?? uniqueAddress(),
          ),
        );
      }
      return outcomes;
    };

    it("counts log-in attempts at one account across both instances", async () => {
      const username = freshEmail("limited-account");
      const bodies = Array.from({ length: PER_ACCOUNT + 2 }, () => ({
        username,
        password: "wrong-password",
      }));
      // A new address each time: only the account's count can be what refuses.
      const outcomes = await alternate(
        "shared",
        bodies,
        bodies.map(() => uniqueAddress()),
      );
      expect(outcomes.map((o) => o.status)).toEqual([...Array(PER_ACCOUNT).fill(401), 429, 429]);
      for (const refused of outcomes.slice(PER_ACCOUNT)) {
        const retryAfter = Number(refused.headers?.get("retry-after"));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
        expect(parse(refused.text).errorCode).toBe("TOO_MANY_REQUESTS");
      }
    });

    it("counts attempts from one client address across both instances", async () => {
      const address = uniqueAddress();
      const bodies = Array.from({ length: PER_ADDRESS + 1 }, () => ({
        username: freshEmail("any"),
        password: "wrong-password",
      }));
      const outcomes = await alternate(
        "shared",
        bodies,
        bodies.map(() => address),
      );
      expect(outcomes.map((o) => o.status)).toEqual([...Array(PER_ADDRESS).fill(401), 429]);
      // Another address is not held back by it.
      const other = await alternate(
        "shared",
        [{ username: freshEmail("else"), password: "wrong-password" }],
        [uniqueAddress()],
      );
      expect(other.map((o) => o.status)).toEqual([401]);
    });

    it("counts sign-ups for one address across both instances", async () => {
      const emailAddress = freshEmail("limited-sign-up");
      const bodies = Array.from({ length: PER_ACCOUNT + 1 }, () => ({
        account: { emailAddress },
        password: `sign-up-password-${Date.now()}`,
      }));
      const outcomes = await alternate(
        "shared",
        bodies,
        bodies.map(() => uniqueAddress()),
        SIGN_UP,
      );
      expect(outcomes.map((o) => o.status)).toEqual([200, 409, 409, 429]);
    });

    it("control: two instances without Redis each count alone, so the same attempts are not refused", async () => {
      const username = freshEmail("unlimited-account");
      const bodies = Array.from({ length: PER_ACCOUNT + 1 }, () => ({
        username,
        password: "wrong-password",
      }));
      const outcomes = await alternate(
        "alone",
        bodies,
        bodies.map(() => uniqueAddress()),
      );
      expect(outcomes.map((o) => o.status)).toEqual(Array(PER_ACCOUNT + 1).fill(401));
    });
  },
);
