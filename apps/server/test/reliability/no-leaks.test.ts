// No secret in any log line, no stack trace or SQL in any error body: a tour of every operation
// and every kind of refusal, in-process on every test database and against the built server
// (its real stdout and stderr), at LOG_LEVEL debug so that nothing is held back. Every
// password, shared secret and token of the tour is recorded, and so are the argon2 and bcrypt
// hashes read back from the database; the logs must hold none of them, nor anything shaped
// like a JWT or a password hash. (Each reliability suite runs the same check on its own logs.)
import { hash as bcryptHash } from "bcryptjs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_SHAPES } from "../../reliability/lib/leaks.mjs";
import { DIALECTS } from "../support/databases.js";
import {
  ensureBuilt,
  type ServerProcess,
  startServer,
  stopAllServers,
} from "../support/server-process.js";
import { APP, createTestApp, type TestApp } from "../support/test-app.js";
import {
  appCredentials,
  appEnv,
  checkedSend,
  freshEmail,
  LOG_IN,
  OAUTH,
  parse,
  type ServerDatabase,
  SIGN_UP,
  serverDatabase,
  Watch,
} from "./support.js";

type Send = (
  method: string,
  path: string,
  options?: {
    json?: unknown;
    bearer?: string;
    body?: Uint8Array;
    headers?: Record<string, string>;
  },
) => Promise<{ status: number; body: unknown }>;

// biome-ignore lint/suspicious/noExplicitAny: answers probed freely, already checked against the spec
type Any = any;

/**
 * Every operation, and every kind of refusal the server makes, once. Answers the statuses
 * seen, so that a test can tell that the tour went where it meant to.
 */
async function tour(send: Send, watch: Watch, app: { clientId: string; sharedSecret: string }) {
  const seen = new Set<number>();
  const call: Send = async (method, path, options) => {
    const answer = await send(method, path, options);
    seen.add(answer.status);
    return answer;
  };
  watch.ledger.add(app.sharedSecret);
  const credentials = { client_id: app.clientId, client_secret: app.sharedSecret };
  const oauth = (
    await call("POST", OAUTH, { json: { ...credentials, grant_type: "client_credentials" } })
  ).body as Any;
  const appToken: string = oauth.access_token;
  await call("POST", OAUTH, {
    json: { ...credentials, grant_type: "refresh_token", refresh_token: oauth.refresh_token },
  });
  await call("POST", OAUTH, {
    json: {
      ...credentials,
      client_secret: "a-wrong-shared-secret",
      grant_type: "client_credentials",
    },
  });

  const email = freshEmail("tour");
  const password = watch.ledger.add(`tour-password-${Date.now()}-Zq9`);
  const signedUp = (
    await call("POST", SIGN_UP, {
      bearer: appToken,
      json: { account: { emailAddress: email }, password },
    })
  ).body as Any;
  await call("POST", SIGN_UP, {
    bearer: appToken,
    json: { account: { emailAddress: email.toUpperCase() }, password },
  });
  await call("POST", SIGN_UP, {
    bearer: appToken,
    json: { account: { emailAddress: "not-an-email" }, password },
  });
  await call("POST", SIGN_UP, {
    bearer: appToken,
    json: { account: { emailAddress: freshEmail("short") }, password: "short" },
  });
  await call("POST", SIGN_UP, {
    bearer: appToken,
    body: Buffer.from("x=1"),
    headers: { "content-type": "text/plain" },
  });
  await call("POST", SIGN_UP, {
    bearer: appToken,
    json: { account: { emailAddress: freshEmail("big"), firstName: "x".repeat(70_000) }, password },
  });
  await call("POST", SIGN_UP, {
    bearer: `${appToken.slice(0, -4)}AAAA`,
    json: { account: { emailAddress: freshEmail("forged") }, password },
  });
  // A 500 today (deep nesting, reported): whatever it becomes, its log line must stay clean.
  const deep = `{"account":{"emailAddress":"${freshEmail("deep")}","attributes":[{"values":[${"[".repeat(8000)}${"]".repeat(8000)}]}]},"password":"${password}"}`;
  await call("POST", SIGN_UP, {
    bearer: appToken,
    body: Buffer.from(deep),
    headers: { "content-type": "application/json" },
  });

  // An imported account: its bcrypt hash is verified at the first log-in, then replaced.
  const imported = freshEmail("imported");
  const importedPassword = watch.ledger.add(`imported-password-${Date.now()}`);
  const externalPassword = watch.ledger.add(await bcryptHash(importedPassword, 4));
  await call("POST", SIGN_UP, {
    bearer: appToken,
    json: { account: { emailAddress: imported }, externalPassword, isImport: true },
  });
  await call("POST", LOG_IN, {
    bearer: appToken,
    json: { username: imported, password: importedPassword },
  });

  const loggedIn = (
    await call("POST", LOG_IN, { bearer: appToken, json: { username: email, password } })
  ).body as Any;
  for (let i = 0; i < 5; i += 1) {
    await call("POST", LOG_IN, {
      bearer: appToken,
      json: { username: email, password: `${password}-wrong` },
    });
  }
  await call("POST", LOG_IN, { bearer: appToken, json: { username: email, password } }); // locked: 403
  const refreshed = (
    await call(
      "PUT",
      `${LOG_IN}/refresh?refreshToken=${encodeURIComponent(loggedIn.refreshToken)}`,
      { bearer: appToken },
    )
  ).body as Any;
  // The same refresh token again: reuse, so the family is revoked (401).
  await call("PUT", `${LOG_IN}/refresh?refreshToken=${encodeURIComponent(loggedIn.refreshToken)}`, {
    bearer: appToken,
  });
  const accountPath = `/api/commerce/customer/accounts/${signedUp.customerAccount.id}`;
  await call("GET", accountPath, { bearer: signedUp.jwtAccessToken });
  await call("GET", accountPath, { bearer: signedUp.accessToken });
  await call("GET", `/api/commerce/customer/accounts/${signedUp.customerAccount.id + 1000}`, {
    bearer: appToken,
  });
  await call("DELETE", `${LOG_IN}?refreshToken=${encodeURIComponent(signedUp.refreshToken)}`, {
    bearer: appToken,
  });
  await call("GET", accountPath, { bearer: signedUp.accessToken }); // logged out: 401
  await call("GET", "/api/platform/tenants/1000", { bearer: appToken });
  await call("GET", "/api/platform/tenants/999", { bearer: appToken });
  await call("GET", "/.well-known/jwks.json");
  await call("GET", "/healthz");
  await call("GET", "/readyz");
  await call("GET", "/no/such/operation", { bearer: appToken });
  void refreshed;
  return seen;
}

/** Every credential hash stored: the logs must not hold them either. */
async function recordStoredHashes(
  watch: Watch,
  rows: { password_hash: string | null; external_password_hash: string | null }[],
) {
  for (const row of rows) {
    watch.ledger.add(row.password_hash);
    watch.ledger.add(row.external_password_hash);
  }
  expect(rows.some((row) => row.password_hash?.startsWith("$argon2id$"))).toBe(true);
}

const EXPECTED_STATUSES = [200, 204, 400, 401, 403, 404, 409, 413, 415];

describe.each(DIALECTS)("no secret in the logs of the in-process app on %s", (dialect) => {
  let t: TestApp;
  const watch = new Watch();

  beforeAll(async () => {
    t = await createTestApp(dialect, { LOG_LEVEL: "debug" });
  });
  afterAll(() => t?.close());

  it("writes no password, hash, shared secret, token or JWT in any log line of a full tour", async () => {
    const send: Send = async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
      watch.request(options.json);
      const response = await t.call(path, {
        method,
        headers,
        ...(options.json !== undefined ? { json: options.json } : {}),
        ...(options.body ? { body: options.body } : {}),
      });
      await watch.response(response);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
    const seen = await tour(send, watch, APP);
    for (const status of EXPECTED_STATUSES)
      expect(seen, `the tour met a ${status}`).toContain(status);
    const rows = await sql<{ password_hash: string | null; external_password_hash: string | null }>`
      select password_hash, external_password_hash from credentials`.execute(t.db.kysely);
    await recordStoredHashes(watch, rows.rows);
    expect(watch.ledger.values.size).toBeGreaterThan(15);
    watch.logs(`in-process app on ${dialect}`, t.logs);
    watch.assertClean();
  }, 60_000);
});

describe("no secret in the output of the built server", () => {
  let db: ServerDatabase;
  let server: ServerProcess;
  const watch = new Watch();
  const app = appCredentials("no-leaks");

  beforeAll(async () => {
    await ensureBuilt();
    db = await serverDatabase("sqlite");
    server = await startServer({
      databaseUrl: db.url,
      env: { ...appEnv(app), LOG_LEVEL: "debug" },
      name: "debug logs",
    });
  }, 180_000);
  afterAll(async () => {
    await stopAllServers();
    await db?.drop();
  });

  it("writes no password, hash, shared secret, token or JWT to stdout or stderr during a full tour", async () => {
    const send: Send = async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
      let body: string | Uint8Array | undefined = options.body;
      if (options.json !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(options.json);
      }
      const outcome = await checkedSend(watch, server.origin, {
        method,
        path,
        headers,
        ...(body ? { body } : {}),
      });
      if (outcome.status === undefined) throw new Error(`${method} ${path}: ${outcome.error}`);
      return { status: outcome.status, body: outcome.text ? parse(outcome.text) : undefined };
    };
    const seen = await tour(send, watch, app);
    for (const status of EXPECTED_STATUSES)
      expect(seen, `the tour met a ${status}`).toContain(status);
    await recordStoredHashes(
      watch,
      await db.query("select password_hash, external_password_hash from credentials"),
    );
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    expect(server.stderr).toEqual([]);
    watch.logs(server.name, server.lines);
    watch.assertClean();
  }, 60_000);

  it("would notice: the secret shapes match real tokens and hashes", async () => {
    // The check must be able to fail: a token and a hash of this very run match the shapes.
    const samples = [...watch.ledger.values].filter(
      (value) => value.startsWith("eyJ") || value.startsWith("$"),
    );
    expect(samples.length).toBeGreaterThan(2);
    for (const sample of samples) {
      expect(
        SECRET_SHAPES.some(([, shape]) => shape.test(sample)),
        sample.slice(0, 20),
      ).toBe(true);
    }
    expect(
      watch.ledger.leaks([
        { name: "a leaky line", lines: [`{"msg":"oops","token":"${samples[0]}"}`] },
      ]),
    ).not.toEqual([]);
  });
});
