// Rate limits on sign-up and log-in (per client address and per target account), the bounded
// hashing queue, and outages answered as 503 in Kibo's shape with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBoundedHasher, type PasswordHasher } from "../../src/auth/password-hasher.js";
import { ServiceUnavailableError } from "../../src/http/errors.js";
import { createRedisRateLimiter } from "../../src/http/rate-limit.js";
import { DIALECTS } from "../support/databases.js";
import { createTestApp, readJson, signUpBody, type TestApp } from "../support/test-app.js";

const SIGN_UP = "/api/commerce/customer/accounts/Add-Account-And-Login";
const LOG_IN = "/api/commerce/customer/authtickets";
const REDIS_URL = process.env.TEST_REDIS_URL;

describe.each(DIALECTS)("rate limits on %s", (dialect) => {
  let t: TestApp;
  let app: string;
  beforeAll(async () => {
    t = await createTestApp(dialect, {
      RATE_LIMIT_PER_ADDRESS: "6",
      RATE_LIMIT_PER_ACCOUNT: "3",
      RATE_LIMIT_WINDOW_SECONDS: "60",
      TRUST_PROXY: "true",
    });
    app = await t.appToken();
  });
  afterAll(() => t.close());
  const logIn = (username: string, address: string) =>
    t.call(LOG_IN, {
      method: "POST",
      json: { username, password: "wrong-password" },
      headers: { authorization: `Bearer ${app}`, "x-forwarded-for": address },
    });

  it("answers 429 with Retry-After once one account has had too many log-in attempts", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await logIn("target@example.com", `10.0.0.${i}`)).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const refused = await logIn("target@example.com", "10.0.0.9");
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await readJson(refused)).toMatchObject({ errorCode: "TOO_MANY_REQUESTS" });
  });

  it("answers 429 once one address has made too many attempts, whatever the account", async () => {
    const statuses = [];
    for (let i = 0; i < 7; i += 1)
      statuses.push((await logIn(`user${i}@example.com`, "10.1.1.1")).status);
    expect(statuses.slice(0, 6).every((status) => status === 401)).toBe(true);
    expect(statuses[6]).toBe(429);
    // Another address is not held back by it.
    expect((await logIn("user-else@example.com", "10.1.1.2")).status).toBe(401);
  });

  it("counts the address the proxy appended to X-Forwarded-For, not those the client wrote", async () => {
    const statuses = [];
    for (let i = 0; i < 7; i += 1) {
      const spoofed = `192.0.2.${i}, 198.51.100.${i}`;
      statuses.push((await logIn(`spoofer${i}@example.com`, `${spoofed}, 10.3.3.3`)).status);
    }
    expect(statuses.slice(0, 6).every((status) => status === 401)).toBe(true);
    expect(statuses[6]).toBe(429);
  });

  it("counts sign-ups too, and lets attempts through again in the next window", async () => {
    const email = `limited.${Date.now()}@example.com`;
    const signUp = () =>
      t.call(SIGN_UP, {
        method: "POST",
        json: signUpBody({}, { emailAddress: email }),
        headers: { authorization: `Bearer ${app}`, "x-forwarded-for": "10.2.2.2" },
      });
    expect((await signUp()).status).toBe(200);
    expect((await signUp()).status).toBe(409);
    expect((await signUp()).status).toBe(409);
    expect((await signUp()).status).toBe(429);
    t.clock.advance(61_000);
    app = await t.appToken();
    expect((await signUp()).status).toBe(409);
  });
});

describe.each(DIALECTS)("the client address behind two proxies on %s", (dialect) => {
  let t: TestApp;
  let app: string;
  beforeAll(async () => {
    t = await createTestApp(dialect, { RATE_LIMIT_PER_ADDRESS: "2", TRUST_PROXY: "2" });
    app = await t.appToken();
  });
  afterAll(() => t.close());
  const logIn = (n: number, forwardedFor: string) =>
    t.call(LOG_IN, {
      method: "POST",
      json: { username: `behind-two.${n}@example.com`, password: "wrong-password" },
      headers: { authorization: `Bearer ${app}`, "x-forwarded-for": forwardedFor },
    });

  it("counts the entry the outer proxy appended, whatever the client wrote before it", async () => {
    // The client (10.4.4.4) wrote a new first entry each time; the CDN appended 10.4.4.4, the
    // balancer the CDN's own address.
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await logIn(i, `192.0.2.${i}, 10.4.4.4, 172.16.0.${i}`)).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
    // Another client behind the same two proxies is counted apart.
    expect((await logIn(9, "10.4.4.5, 172.16.0.1")).status).toBe(401);
  });

  it("takes the first entry when a request passed fewer proxies than configured", async () => {
    const statuses = [];
    for (const [i, address] of ["10.5.5.5", "10.5.5.5", "10.5.5.6", "10.5.5.5"].entries()) {
      statuses.push((await logIn(10 + i, address)).status);
    }
    // Not the socket's address either: 10.5.5.6 has its own count.
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});

describe("the bounded hashing queue", () => {
  it("refuses at once with 503 when more passwords wait than it allows", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: PasswordHasher = {
      hash: async () => {
        await gate;
        return "hash";
      },
      verify: async () => true,
    };
    const bounded = createBoundedHasher(slow, { concurrency: 2, maxWaiting: 3 });
    const accepted = Array.from({ length: 5 }, () => bounded.hash("password"));
    expect(bounded.pending()).toBe(5);
    await expect(bounded.hash("one too many")).rejects.toBeInstanceOf(ServiceUnavailableError);
    release();
    await expect(Promise.all(accepted)).resolves.toEqual(Array(5).fill("hash"));
    expect(bounded.pending()).toBe(0);
  });

  it("answers sign-ups beyond the queue with 503 and Retry-After, storing nothing", async () => {
    const t = await createTestApp("sqlite", { HASH_CONCURRENCY: "1", HASH_QUEUE_LIMIT: "0" });
    try {
      const app = await t.appToken();
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.call(SIGN_UP, {
            method: "POST",
            json: signUpBody(),
            headers: { authorization: `Bearer ${app}` },
          }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses).toContain(200);
      expect(statuses).toContain(503);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      const refused = responses.find((r) => r.status === 503);
      expect(refused?.headers.get("retry-after")).toBe("1");
      expect(await readJson(refused as Response)).toMatchObject({
        errorCode: "SERVICE_UNAVAILABLE",
      });
      const stored = await t.db.kysely
        .selectFrom("accounts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(statuses.filter((s) => s === 200).length);
    } finally {
      await t.close();
    }
  });
});

describe.runIf(REDIS_URL)("rate limits shared through Redis (TEST_REDIS_URL)", () => {
  it("counts the attempts of every instance together", async () => {
    const url = REDIS_URL as string;
    const prefix = `test:${Date.now()}:`;
    const one = await createRedisRateLimiter(url, prefix);
    const two = await createRedisRateLimiter(url, prefix);
    try {
      expect(await one.hit("k", 3, 60_000)).toBeUndefined();
      expect(await two.hit("k", 3, 60_000)).toBeUndefined();
      expect(await one.hit("k", 3, 60_000)).toBeUndefined();
      const refused = await two.hit("k", 3, 60_000);
      expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
      expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(60);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
