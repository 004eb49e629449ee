// A real app for route tests: a real database of the chosen dialect, real argon2id, real
// ES256 keys, a clock the test controls, and logs captured in memory. Every response that
// `call` returns has been checked against openapi.yaml.
import { createApp } from "../../src/app.js";
import { createServerHasher } from "../../src/auth/password-hasher.js";
import { loadSigningKeys } from "../../src/auth/signing-keys.js";
import { type Config, loadConfig, maxSignedTokenLifetimeMs } from "../../src/config.js";
import type { Db, Dialect } from "../../src/db/database.js";
import { createMemoryRateLimiter } from "../../src/http/rate-limit.js";
import { createLogger } from "../../src/logger.js";
import { createPlatformRepository } from "../../src/platform/platform.repository.js";
import { bootstrapPlatform } from "../../src/platform/platform.service.js";
import { migratedDatabase, type TestDatabase } from "./databases.js";
import { assertMatchesSpec, loadSpec } from "./spec-validator.js";

export const APP = {
  clientId: "storefront.test",
  sharedSecret: "s3cret-shared-secret-for-tests",
  behaviors: ["customer-auth:configure-token-durations"],
};

export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

export function testClock(start = new Date("2026-11-27T12:00:00.000Z")): TestClock {
  let at = start.getTime();
  return { now: () => new Date(at), advance: (ms) => (at += ms) };
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: Db;
  database: TestDatabase;
  config: Readonly<Config>;
  clock: TestClock;
  logs: string[];
  /** Sends a request in-process and checks the response against the spec. */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** An application token from the oauth operation, for the configured application. */
  appToken(credentials?: { clientId: string; sharedSecret: string }): Promise<string>;
  close(): Promise<void>;
}

export async function createTestApp(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: { clock?: TestClock } = {},
): Promise<TestApp> {
  const { db, database } = await migratedDatabase(dialect);
  const config = loadConfig({
    LOG_LEVEL: "debug",
    APP_CLIENT_ID: APP.clientId,
    APP_SHARED_SECRET: APP.sharedSecret,
    APP_BEHAVIORS: APP.behaviors.join(","),
    ...env,
  });
  const clock = options.clock ?? testClock();
  const logs: string[] = [];
  const keys = await loadSigningKeys(db, {
    now: clock.now,
    maxTokenLifetimeMs: maxSignedTokenLifetimeMs(config),
    reloadMs: config.tokens.signingKeysReloadSeconds * 1000,
  });
  const hashing = createServerHasher(config.hashing);
  const app = createApp({
    config,
    db,
    hasher: hashing.hasher,
    limiter: createMemoryRateLimiter(() => clock.now().getTime()),
    keys,
    logger: createLogger(config.logLevel, (line) => logs.push(line)),
    now: clock.now,
    openApiDocument: loadSpec(),
  });
  await bootstrapPlatform(createPlatformRepository(db), config, clock.now);

  const call: TestApp["call"] = async (path, init = {}) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (json !== undefined && !headers.has("content-type"))
      headers.set("content-type", "application/json");
    const response = await app.request(path, {
      ...rest,
      headers,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
    await assertMatchesSpec(rest.method ?? "GET", path, response);
    return response;
  };

  return {
    app,
    db,
    database,
    config,
    clock,
    logs,
    call,
    async appToken(credentials = APP) {
      const response = await call("/api/platform/applications/authtickets/oauth", {
        method: "POST",
        json: {
          client_id: credentials.clientId,
          client_secret: credentials.sharedSecret,
          grant_type: "client_credentials",
        },
      });
      if (response.status !== 200) throw new Error(`oauth answered ${response.status}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    async close() {
      await hashing.close();
      await db.close();
      await database.drop();
    },
  };
}

let counter = 0;
/** A sign-up body with a fresh email address. */
export function signUpBody(
  overrides: Record<string, unknown> = {},
  account: Record<string, unknown> = {},
) {
  counter += 1;
  return {
    account: {
      emailAddress: `shopper${counter}.${Date.now()}@example.com`,
      firstName: "Ada",
      ...account,
    },
    password: "correct-horse-battery",
    ...overrides,
  };
}

/** How many accounts the database holds: what "nothing was created" is checked against. */
export async function countAccounts(db: Db): Promise<number> {
  const { n } = await db.kysely
    .selectFrom("accounts")
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * The JSON body of a response. `any` on purpose: tests probe the body freely, and every body
 * has already been checked against openapi.yaml by `call` before it gets here.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export const readJson = (response: Response): Promise<any> => response.json();
