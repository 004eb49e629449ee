// The named catalogue of hostile input (reliability/lib/hostile.mjs) against Add-Account-And-
// Login: in-process on every test database for bodies and tokens, and as raw bytes over a real
// socket to the built server for what only a socket can carry (headers over the parser's
// limit, bytes that are not UTF-8). Each answer must be one the entry allows, in Kibo's shape,
// documented by the spec, without stack trace or SQL, within five seconds, and a refused
// request must have stored nothing.
import { decodeProtectedHeader, importJWK, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BodyEntry,
  bodyCatalogue,
  cutShortCatalogue,
  PASSWORD,
  rawCatalogue,
  tokenCatalogue,
} from "../../reliability/lib/hostile.mjs";
import { hangUpAfter, rawExchange } from "../../reliability/lib/http.mjs";
import { sha256 } from "../../src/auth/secrets.js";
import { loadConfig } from "../../src/config.js";
import { createPlatformRepository } from "../../src/platform/platform.repository.js";
import { DIALECTS } from "../support/databases.js";
import {
  ensureBuilt,
  type ServerProcess,
  startServer,
  stopAllServers,
} from "../support/server-process.js";
import { specValidator } from "../support/spec-validator.js";
import { APP, createTestApp, readJson, type TestApp } from "../support/test-app.js";
import {
  freshEmail,
  LOG_IN,
  NO_RATE_LIMITS,
  OAUTH,
  type ServerDatabase,
  SIGN_UP,
  serverDatabase,
  Watch,
  watchedFetch,
} from "./support.js";

const ANSWER_WITHIN_MS = 5_000;
/** The server's body limit when BODY_LIMIT_BYTES is not set. */
const DEFAULT_BODY_LIMIT = loadConfig({}).bodyLimitBytes;
const ERROR_CODES: Record<number, string> = {
  400: "MISSING_OR_INVALID_PARAMETER",
  401: "UNAUTHORIZED",
  413: "REQUEST_ENTITY_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

/** Rejects when `promise` takes longer than the limit: a hang is a failure, not a wait. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer within ${ANSWER_WITHIN_MS} ms`)),
      ANSWER_WITHIN_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const LARGE_LIMIT = 2 * 1024 * 1024;

describe.each(DIALECTS)("hostile input in-process on %s", (dialect) => {
  let t: TestApp;
  let large: TestApp;
  let token: string;
  let largeToken: string;
  const watch = new Watch();
  watch.ledger.add(APP.sharedSecret);
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    t = await createTestApp(dialect, NO_RATE_LIMITS);
    large = await createTestApp(dialect, {
      ...NO_RATE_LIMITS,
      BODY_LIMIT_BYTES: String(LARGE_LIMIT),
    });
    token = await t.appToken();
    largeToken = await large.appToken();
  });
  afterAll(async () => {
    watch.logs(`in-process app on ${dialect}`, t?.logs ?? []);
    watch.logs(`in-process app with a 2 MiB body limit on ${dialect}`, large?.logs ?? []);
    await t?.close();
    await large?.close();
    watch.assertClean();
  });

  const emailStored = async (app: TestApp, email: string) =>
    (await app.db.kysely
      .selectFrom("accounts")
      .select("id")
      .where("email_address", "=", email)
      .executeTakeFirst()) !== undefined;

  const entries = bodyCatalogue({
    freshEmail: () => freshEmail("hostile"),
    bodyLimitBytes: DEFAULT_BODY_LIMIT,
  });

  it.each(entries.map((entry) => [entry.name, entry] as const))(
    "answers %s as documented",
    async (name, entry: BodyEntry) => {
      const app = entry.needsBodyLimit ? large : t;
      const bearer = entry.needsBodyLimit ? largeToken : token;
      const headers: Record<string, string> = { authorization: `Bearer ${bearer}` };
      if (entry.contentType !== null) headers["content-type"] = entry.contentType;
      // Bytes, not a string: a string body would get a text/plain content type of its own.
      const body = typeof entry.body === "string" ? Buffer.from(entry.body) : entry.body;
      const response = await within(app.call(SIGN_UP, { method: "POST", headers, body }), name);
      await watch.response(response);
      const text = await response.text();
      const context = `${name}: ${response.status} ${text.slice(0, 300)}`;
      expect(entry.expect, context).toContain(response.status);
      if (response.status >= 400) {
        const answer = JSON.parse(text);
        expect(answer.errorCode, context).toBe(ERROR_CODES[response.status]);
        if (entry.field && response.status === 400) {
          expect(
            answer.additionalErrorData.map((item: { name: string }) => item.name),
            context,
          ).toContain(entry.field);
        }
      }
      if (entry.email) {
        // Stored exactly when answered 200: a refusal leaves nothing behind.
        expect(await emailStored(app, entry.email), context).toBe(response.status === 200);
      }
      if (entry.stored) expect(response.status, context).toBe(200);
      if (entry.readBack && response.status === 200) {
        const account = JSON.parse(text).customerAccount;
        const read = await app.call(`/api/commerce/customer/accounts/${account.id}`, {
          headers: { authorization: `Bearer ${bearer}` },
        });
        expect((await readJson(read))[entry.readBack.field], `${context}: read back`).toBe(
          entry.readBack.value,
        );
      }
      if (entry.pollution) {
        // The app runs in this process: a polluted prototype would show here.
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
        if (response.status === 200) {
          // Attribute values are opaque JSON, stored and answered as sent; anywhere else a
          // "polluted" key would mean the payload was merged into the account.
          const { attributes, ...account } = JSON.parse(text).customerAccount;
          expect(JSON.stringify(account), context).not.toContain("polluted");
          for (const attribute of attributes ?? []) {
            expect(Object.keys(attribute).sort(), context).toEqual([
              "attributeDefinitionId",
              "auditInfo",
              "fullyQualifiedName",
              "values",
            ]);
          }
        }
      }
    },
  );

  it("keeps a NUL character inside a password: the part before it alone does not log in", async () => {
    const email = freshEmail("nul-password");
    const password = "before-nul\u0000after-nul";
    watch.request({ password });
    const signUp = await t.call(SIGN_UP, {
      method: "POST",
      json: { account: { emailAddress: email }, password },
      headers: { authorization: `Bearer ${token}` },
    });
    await watch.response(signUp);
    // The spec takes passwords "exactly as sent", any characters: 200 is right here.
    expect(signUp.status).toBe(200);
    const logIn = async (attempt: string) =>
      (
        await watch.response(
          await t.call(LOG_IN, {
            method: "POST",
            json: { username: email, password: attempt },
            headers: { authorization: `Bearer ${token}` },
          }),
        )
      ).status;
    expect(await logIn("before-nul")).toBe(401);
    expect(await logIn("before-nul\u0000")).toBe(401);
    expect(await logIn(password)).toBe(200);
  });

  it("does not take two passwords that differ in bytes that are not UTF-8 for the same one", async () => {
    // Decoded leniently, every stray byte becomes U+FFFD: "p\xE4ss" and "p\xFCss" would both
    // be stored and checked as "p\uFFFDss", and either would open the account.
    const email = freshEmail("latin-1");
    const body = (verb: "sign-up" | "log-in", byte: number) =>
      Buffer.concat([
        Buffer.from(
          verb === "sign-up"
            ? `{"account":{"emailAddress":"${email}"},"password":"p`
            : `{"username":"${email}","password":"p`,
        ),
        Buffer.from([byte]),
        Buffer.from(`ssword-from-a-latin-1-form"}`),
      ]);
    const send = async (path: string, bytes: Buffer) =>
      (
        await watch.response(
          await t.call(path, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: bytes,
          }),
        )
      ).status;
    const signedUp = await send(SIGN_UP, body("sign-up", 0xe4));
    expect([200, 400]).toContain(signedUp);
    if (signedUp === 200) {
      expect(await send(LOG_IN, body("log-in", 0xfc)), "another password logs in").toBe(401);
    }
  });

  describe("tokens", () => {
    let shopper: { jwtAccessToken: string; accessToken: string; customerAccount: { id: number } };

    beforeAll(async () => {
      const response = await t.call(SIGN_UP, {
        method: "POST",
        json: { account: { emailAddress: freshEmail("token-owner") }, password: PASSWORD },
        headers: { authorization: `Bearer ${token}` },
      });
      await watch.response(response);
      shopper = await readJson(response);
    });

    it("refuses every forged, altered, expired or misplaced application token with 401, and accepts the controls", async () => {
      const { kid } = decodeProtectedHeader(token);
      if (!kid) throw new Error("the application token names no kid");
      const row = await t.db.kysely
        .selectFrom("signing_keys")
        .select(["private_jwk", "public_jwk"])
        .where("kid", "=", kid)
        .executeTakeFirstOrThrow();
      const privateKey = await importJWK(JSON.parse(row.private_jwk) as JWK, "ES256");
      const jwks = await readJson(await t.call("/.well-known/jwks.json"));
      const publicJwk = jwks.keys.find((key: { kid: string }) => key.kid === kid);
      expect(publicJwk).toBeDefined();
      const entries = await tokenCatalogue({
        validToken: token,
        privateKey,
        kid,
        publicJwk,
        shopper,
      });
      const wrong: string[] = [];
      for (const entry of entries) {
        const headers: Record<string, string> = entry.authorization
          ? { authorization: entry.authorization }
          : {};
        const response = await within(
          t.call(SIGN_UP, {
            method: "POST",
            json: { account: { emailAddress: freshEmail("token") }, password: PASSWORD },
            headers,
          }),
          entry.name,
        );
        await watch.response(response);
        const answer = await readJson(response);
        if (!entry.expect.includes(response.status)) {
          wrong.push(`${entry.name}: ${response.status} ${answer.message ?? ""}`);
        } else if (response.status === 401) {
          expect(answer.errorCode, entry.name).toBe("UNAUTHORIZED");
        }
      }
      expect(entries.filter((entry) => entry.control)).toHaveLength(2);
      expect(wrong, "token entries answered otherwise than expected").toEqual([]);
    });

    it("keeps another tenant's application to its own tenant", async () => {
      const other = {
        clientId: `other.${Date.now()}`,
        sharedSecret: `other-tenant-secret-${Date.now()}`,
      };
      watch.ledger.add(other.sharedSecret);
      const platform = createPlatformRepository(t.db);
      await platform.upsertTenant({ id: 7000, name: "Other Tenant", domain: null, isDev: false });
      await platform.upsertSite({ id: 7001, tenantId: 7000, name: "Other Site" });
      await platform.upsertApplication(
        {
          clientId: other.clientId,
          secretHash: sha256(other.sharedSecret),
          tenantId: 7000,
          siteId: 7001,
          behaviors: [],
        },
        new Date().toISOString(),
      );
      const otherToken = await t.appToken(other);
      watch.ledger.add(otherToken);
      const as = (bearer: string, extra: Record<string, string> = {}) => ({
        headers: { authorization: `Bearer ${bearer}`, ...extra },
      });
      const statusOf = async (path: string, init: RequestInit & { json?: unknown }) =>
        (await watch.response(await t.call(path, init))).status;

      // Claiming our tenant in the headers with the other tenant's token.
      expect(
        await statusOf(SIGN_UP, {
          method: "POST",
          json: { account: { emailAddress: freshEmail("cross") }, password: PASSWORD },
          ...as(otherToken, { "x-vol-tenant": String(t.config.tenant.id) }),
        }),
      ).toBe(401);
      // Our tenant, and our shopper's account, are not the other application's to read.
      expect(await statusOf(`/api/platform/tenants/${t.config.tenant.id}`, as(otherToken))).toBe(
        403,
      );
      expect(
        await statusOf(
          `/api/commerce/customer/accounts/${shopper.customerAccount.id}`,
          as(otherToken),
        ),
      ).toBe(404);
      // Our shopper's own token does not pass for the other tenant either.
      expect(
        await statusOf(
          `/api/commerce/customer/accounts/${shopper.customerAccount.id}`,
          as(shopper.jwtAccessToken, { "x-vol-tenant": "7000" }),
        ),
      ).toBe(401);
      // Control: the other application works in its own tenant.
      expect(await statusOf("/api/platform/tenants/7000", as(otherToken))).toBe(200);
      expect(
        await statusOf(`/api/commerce/customer/accounts/${shopper.customerAccount.id}`, as(token)),
      ).toBe(200);
    });
  });
});

describe.each(DIALECTS)("hostile bytes over a socket to the built server on %s", (dialect) => {
  let db: ServerDatabase;
  let server: ServerProcess;
  let token: string;
  const watch = new Watch();
  const http = watchedFetch(watch);
  const app = {
    clientId: "storefront.hostile",
    sharedSecret: `hostile-shared-secret-${Date.now()}`,
  };
  watch.ledger.add(app.sharedSecret);

  beforeAll(async () => {
    await ensureBuilt();
    db = await serverDatabase(dialect);
    server = await startServer({
      databaseUrl: db.url,
      env: { APP_CLIENT_ID: app.clientId, APP_SHARED_SECRET: app.sharedSecret, ...NO_RATE_LIMITS },
      name: `hostile bytes, ${dialect}`,
    });
    const response = await http(`${server.origin}${OAUTH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: app.clientId,
        client_secret: app.sharedSecret,
        grant_type: "client_credentials",
      }),
    });
    expect(response.status).toBe(200);
    token = (await readJson(response)).access_token;
  }, 180_000);
  afterAll(async () => {
    await stopAllServers();
    if (server) watch.logs(server.name, server.lines);
    await db?.drop();
    watch.assertClean();
  });

  const entries = rawCatalogue({
    authorization: "Bearer <token>",
    freshEmail: () => freshEmail("raw"),
    bodyLimitBytes: DEFAULT_BODY_LIMIT,
  });

  it.each(entries.map((entry) => [entry.name, entry.name] as const))(
    "answers %s as documented",
    async (name) => {
      // The token exists only once the server runs: the catalogue is rebuilt with it.
      const entry = rawCatalogue({
        authorization: `Bearer ${token}`,
        freshEmail: () => freshEmail("raw"),
        bodyLimitBytes: DEFAULT_BODY_LIMIT,
      }).find((candidate) => candidate.name === name);
      if (!entry) throw new Error(`no entry ${name}`);
      const answer = await rawExchange(server.port, entry.bytes, { timeoutMs: ANSWER_WITHIN_MS });
      const context = `${name}: ${answer.status} ${answer.body.slice(0, 300)}`;
      expect(answer.timedOut, `${name}: answered in time`).toBe(false);
      expect(entry.expect, context).toContain(answer.status);
      watch.text(answer.status ?? 0, answer.body);
      watch.responses += 1;
      const problems = specValidator().check({
        method: "POST",
        url: SIGN_UP,
        status: answer.status ?? 0,
        headers: answer.headers,
        body: JSON.parse(answer.body),
      });
      expect(problems, context).toEqual([]);
      if (entry.email) {
        const rows = await db.query(
          `select id from accounts where email_address = '${entry.email}'`,
        );
        expect(rows.length, `${context}: stored`).toBe(answer.status === 200 ? 1 : 0);
      }
    },
  );

  it.each(
    cutShortCatalogue({
      authorization: "Bearer <token>",
      freshEmail: () => freshEmail("cut"),
      correlationId: "cut-short",
    }).map((entry) => [entry.name] as const),
  )("takes %s for the client's error, not an outage, and keeps nothing", async (name) => {
    // The token exists only once the server runs: the catalogue is rebuilt with it.
    const entry = cutShortCatalogue({
      authorization: `Bearer ${token}`,
      freshEmail: () => freshEmail("cut"),
      correlationId: `cut-short-${dialect}-${Date.now()}`,
    }).find((candidate) => candidate.name === name);
    if (!entry) throw new Error(`no entry ${name}`);
    // The server is waiting for the rest of the body when the connection goes.
    await hangUpAfter(server.port, entry.bytes);

    const line = await server.waitForLine(
      (candidate) => candidate.includes(`"correlationId":"${entry.correlationId}"`),
      10_000,
    );
    const logged = server.logs().filter((e) => e.correlationId === entry.correlationId);
    expect(logged, line).toEqual([expect.objectContaining({ msg: "request", status: 400 })]);
    const rows = await db.query(`select id from accounts where email_address = '${entry.email}'`);
    expect(rows).toEqual([]);
  });

  it("still answers normally after all of it", async () => {
    expect((await http(`${server.origin}/healthz`)).status).toBe(200);
    const response = await http(`${server.origin}${SIGN_UP}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ account: { emailAddress: freshEmail("after") }, password: PASSWORD }),
    });
    expect(response.status).toBe(200);
  });
});
