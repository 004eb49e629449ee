// Issue 5 end to end: a shopper's whole life through the published client and its shopper
// session, against the built server in its own process, on SQLite and (when TEST_DATABASE_URL
// is set) on a PostgreSQL database of its own. Every response is checked against openapi.yaml.
// A separate consumer verifies jwtAccessToken with the keys the server publishes, before and
// after a signing-key rotation made in the process's database.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type CustomerAuthTicket,
  createClient,
  createShopperSession,
  ShopperSessionError,
  toResult,
} from "@kibo-auth/client";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, it } from "vitest";
import { rotateSigningKey } from "../../src/auth/signing-keys.js";
import { createDb } from "../../src/db/database.js";
import { POSTGRES_URL } from "../support/databases.js";
import { ensureBuilt, type ServerProcess, startServer } from "../support/server-process.js";
import { validatingFetch } from "../support/spec-validator.js";
import { type FreshPostgresDatabase, freshPostgresDatabase } from "./postgres-database.js";

const SIGN_UP = "/commerce/customer/accounts/Add-Account-And-Login";
const LOG_IN = "/commerce/customer/authtickets";
const REFRESH = "/commerce/customer/authtickets/refresh";
const ACCOUNT = "/commerce/customer/accounts/{accountId}";
const OAUTH_PATH = "/api/platform/applications/authtickets/oauth";
/** How long a server process may take to notice a rotated key: its 1 s reload here, and some. */
const KEY_PICKUP_MS = 15_000;
const app = { clientId: "storefront.life-e2e", sharedSecret: `shared-${randomUUID()}` };

interface Exchange {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  authorization: string | null;
}

function recordingFetch() {
  const validate = validatingFetch();
  const exchanges: Exchange[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const authorization = request.headers.get("authorization");
    const response = await validate(request);
    const url = new URL(request.url);
    exchanges.push({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      status: response.status,
      authorization,
    });
    return response;
  };
  return { fetch, exchanges, tokenRequests: () => exchanges.filter((e) => e.path === OAUTH_PATH) };
}

const shopper = () => ({
  account: { emailAddress: `life.${randomUUID()}@example.com`, firstName: "Ada" },
  password: `pw-${randomUUID()}`,
});

const dialects = POSTGRES_URL ? (["sqlite", "postgres"] as const) : (["sqlite"] as const);

// The dialects run side by side: each waits up to a minute for its server to pick up a new key.
describe.concurrent.each(dialects)("a shopper's life through the client on %s", (dialect) => {
  let dir: string | undefined;
  let database: FreshPostgresDatabase | undefined;
  let databaseUrl: string;
  let server: ServerProcess;

  /** A client of its own for each test (they run concurrently), recording what it exchanged. */
  const newClient = () => {
    const recorder = recordingFetch();
    const client = createClient({
      baseUrl: `${server.origin}/api`,
      clientId: app.clientId,
      sharedSecret: app.sharedSecret,
      fetch: recorder.fetch,
    });
    /** The account read with `token` as the bearer, as one typed call. */
    const readAs = (accountId: number, token: string) =>
      toResult(
        client.GET(ACCOUNT, {
          params: { path: { accountId } },
          headers: { Authorization: `Bearer ${token}` },
        }),
      );
    const refreshWith = (refreshToken: string) =>
      toResult(client.PUT(REFRESH, { params: { query: { refreshToken } } }));
    return { client, recorder, readAs, refreshWith };
  };
  const accountIdOf = (ticket: CustomerAuthTicket) => {
    const id = ticket.customerAccount.id;
    if (typeof id !== "number") throw new Error("the ticket has no account id");
    return id;
  };

  beforeAll(async () => {
    await ensureBuilt();
    if (dialect === "postgres") {
      database = await freshPostgresDatabase(POSTGRES_URL ?? "");
      databaseUrl = database.url;
    } else {
      dir = mkdtempSync(join(tmpdir(), "kibo-auth-life-e2e-"));
      databaseUrl = join(dir, "kibo-auth.sqlite");
    }
    server = await startServer({
      databaseUrl,
      env: {
        APP_CLIENT_ID: app.clientId,
        APP_SHARED_SECRET: app.sharedSecret,
        // Reload the key set every second, so that a rotation shows within the test's patience.
        SIGNING_KEYS_RELOAD_SECONDS: "1",
      },
      name: `life on ${dialect}`,
    });
  }, 180_000);

  afterAll(async () => {
    // Only this suite's server: the other dialect's may still be busy.
    await server?.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("signs up, reads its account, logs in, refreshes, and loses the family to a reused refresh token", async ({
    expect,
  }) => {
    const { client, recorder, readAs, refreshWith } = newClient();
    const body = shopper();
    const session = createShopperSession(client);

    // Sign up: the session holds the ticket.
    const signedUp = await session.signUp(body);
    if (signedUp.error) throw signedUp.error;
    const first = signedUp.data;
    const id = accountIdOf(first);
    expect(session.state()).toMatchObject({ status: "active", ticket: first });

    // Read the own account with the JWT, not the app token.
    const own = await session.readAccount();
    expect(own.error).toBeUndefined();
    expect(own.data).toMatchObject({ id, emailAddress: body.account.emailAddress });
    const read = recorder.exchanges.at(-1);
    expect(read).toMatchObject({ method: "GET", status: 200 });
    expect(read?.authorization).toBe(`Bearer ${first.jwtAccessToken}`);
    // The opaque accessToken is a bearer token for the same read.
    expect((await readAs(id, first.accessToken ?? "")).status).toBe(200);
    // Another shopper's token reads nothing here.
    const stranger = await toResult(client.POST(SIGN_UP, { body: shopper() }));
    const foreign = await readAs(id, stranger.data?.jwtAccessToken ?? "");
    expect(foreign.error?.status).toBe(403);
    expect(foreign.error?.body?.errorCode).toBe("FORBIDDEN");

    // Log in again, on a session whose clock can be moved to the access token's expiry.
    let ahead = 0;
    const device = createShopperSession(client, { now: () => Date.now() + ahead });
    const loggedIn = await device.logIn({
      username: body.account.emailAddress.toUpperCase(),
      password: body.password,
    });
    if (loggedIn.error) throw loggedIn.error;
    const login = loggedIn.data;
    expect(accountIdOf(login)).toBe(id);
    expect(login.refreshToken).not.toBe(first.refreshToken);
    expect(login.accessToken).not.toBe(first.accessToken);

    // Refresh: 30 minutes on, the session renews before use and holds the rotated tokens.
    ahead = Date.parse(login.accessTokenExpiration) - Date.now();
    const renewed = await device.ticket();
    if (renewed.error) throw renewed.error;
    const second = renewed.data;
    ahead = 0;
    const refreshCall = recorder.exchanges.at(-1);
    expect(refreshCall).toMatchObject({ method: "PUT", path: `/api${REFRESH}`, status: 200 });
    expect(refreshCall?.query.get("refreshToken")).toBe(login.refreshToken);
    expect(refreshCall?.query.get("accountId")).toBe(String(id));
    expect(second.refreshToken).not.toBe(login.refreshToken);
    expect(second.accessToken).not.toBe(login.accessToken);
    expect(second.jwtAccessToken).not.toBe(login.jwtAccessToken);
    expect(device.state()).toMatchObject({ status: "active", ticket: second });
    expect((await device.readAccount()).data?.id).toBe(id);

    // The rotated-out refresh token is refused; presenting it again is a reuse, which revokes
    // the whole family: the newest refresh token, its access token and its JWT stop working.
    const reused = await refreshWith(login.refreshToken ?? "");
    expect(reused.error?.status).toBe(401);
    expect(reused.error?.body?.errorCode).toBe("UNAUTHORIZED");
    expect(reused.error?.correlationId).toBeTruthy();
    expect((await refreshWith(second.refreshToken)).error?.status).toBe(401);
    expect((await readAs(id, second.accessToken)).error?.status).toBe(401);
    expect((await readAs(id, second.jwtAccessToken)).error?.status).toBe(401);
    expect((await readAs(id, login.jwtAccessToken ?? "")).error?.status).toBe(401);

    // The device's session learns it on its next use: the JWT is refused, the refresh too, and
    // the session ends with the refresh's typed 401. No app token stood in for the shopper's.
    const ended = await device.readAccount();
    expect(ended.error).toMatchObject({ name: "ApiError", status: 401 });
    expect(device.state()).toMatchObject({ status: "ended", error: { status: 401 } });
    const after = await device.accessToken();
    expect(after.error).toBeInstanceOf(ShopperSessionError);
    expect(after.error).toMatchObject({ code: "SESSION_ENDED" });

    // Another family (the sign-up's) is untouched.
    expect((await session.readAccount()).data?.id).toBe(id);
    expect(recorder.tokenRequests()).toHaveLength(1);
  });

  it("logs out: the session forgets its tokens and the server refuses every one of them", async ({
    expect,
  }) => {
    const { client, recorder, readAs, refreshWith } = newClient();
    const body = shopper();
    expect((await toResult(client.POST(SIGN_UP, { body }))).status).toBe(200);
    const session = createShopperSession(client);
    const loggedIn = await session.logIn({
      username: body.account.emailAddress,
      password: body.password,
    });
    if (loggedIn.error) throw loggedIn.error;
    const ticket = loggedIn.data;
    const id = accountIdOf(ticket);
    expect((await session.readAccount()).data?.id).toBe(id);

    expect(await session.logOut()).toStrictEqual({ data: undefined });
    expect(recorder.exchanges.at(-1)).toMatchObject({
      method: "DELETE",
      path: `/api${LOG_IN}`,
      status: 204,
    });
    expect(recorder.exchanges.at(-1)?.query.get("refreshToken")).toBe(ticket.refreshToken);
    expect(session.state()).toStrictEqual({ status: "signed-out" });
    expect((await session.readAccount()).error).toMatchObject({ code: "NOT_LOGGED_IN" });

    expect((await refreshWith(ticket.refreshToken ?? "")).error?.status).toBe(401);
    expect((await readAs(id, ticket.accessToken ?? "")).error?.status).toBe(401);
    expect((await readAs(id, ticket.jwtAccessToken ?? "")).error?.status).toBe(401);
    // Logging out with a token nobody issued reveals nothing: 204 as well.
    const unknown = await toResult(
      client.DELETE(LOG_IN, { params: { query: { refreshToken: "nobody-issued-this" } } }),
    );
    expect(unknown.status).toBe(204);
  });

  it("runs each session operation as one typed call of the raw client", async ({ expect }) => {
    const { client, recorder } = newClient();
    const body = shopper();
    await toResult(client.POST(SIGN_UP, { body }));
    const logIn = await toResult(
      client.POST(LOG_IN, {
        body: { username: body.account.emailAddress, password: body.password },
      }),
    );
    if (logIn.error) throw logIn.error;
    const id = accountIdOf(logIn.data);
    const refresh = await toResult(
      client.PUT(REFRESH, {
        params: { query: { refreshToken: logIn.data.refreshToken ?? "", accountId: id } },
      }),
    );
    if (refresh.error) throw refresh.error;
    const account = await toResult(
      client.GET(ACCOUNT, {
        params: { path: { accountId: id }, query: { responseFields: "id,emailAddress" } },
        headers: { Authorization: `Bearer ${refresh.data.jwtAccessToken}` },
      }),
    );
    expect(account.data).toEqual({ id, emailAddress: body.account.emailAddress });
    const logOut = await toResult(
      client.DELETE(LOG_IN, {
        params: { query: { refreshToken: refresh.data.refreshToken ?? "" } },
      }),
    );
    expect(logOut.status).toBe(204);
    expect(logOut.error).toBeUndefined();
    const wrong = await toResult(
      client.POST(LOG_IN, { body: { username: body.account.emailAddress, password: "wrong" } }),
    );
    expect(wrong.error?.status).toBe(401);
    // A wrong password is not sent twice (it would count twice toward the account lock).
    const attempts = recorder.exchanges.filter(
      (e) => e.method === "POST" && e.path === `/api${LOG_IN}` && e.status === 401,
    );
    expect(attempts).toHaveLength(1);
  });

  it("has its jwtAccessToken verified by a separate consumer with the published keys, across a key rotation", {
    timeout: KEY_PICKUP_MS + 60_000,
  }, async ({ expect }) => {
    const { client, recorder, readAs } = newClient();
    // jose waits 30 s by default before it fetches the set again for an unknown kid; the key is
    // rotated seconds after the first fetch here, so the consumer is told not to wait.
    const jwks = createRemoteJWKSet(new URL(`${server.origin}/.well-known/jwks.json`), {
      cooldownDuration: 0,
    });
    const verify = (token: string) =>
      jwtVerify(token, jwks, {
        issuer: "kibo-auth",
        audience: "kibo-auth:customer",
        algorithms: ["ES256"],
      });
    const publishedKids = async () => {
      const { data } = await client.root.GET("/.well-known/jwks.json");
      return data?.keys.map((key) => key.kid) ?? [];
    };

    const session = createShopperSession(client);
    const body = shopper();
    const before = await session.signUp(body);
    if (before.error) throw before.error;
    const old = before.data;
    const { payload, protectedHeader } = await verify(old.jwtAccessToken ?? "");
    expect(payload).toMatchObject({ sub: old.userId, accountId: accountIdOf(old) });
    expect(protectedHeader.alg).toBe("ES256");
    const oldKid = protectedHeader.kid;
    expect(await publishedKids()).toEqual([oldKid]);

    // A new key, made in the process's own database as an operator's job would.
    const db = createDb(databaseUrl);
    let newKid: string;
    try {
      // No publish-ahead delay: the test reads the key set itself rather than through a cache.
      newKid = await rotateSigningKey(db, new Date(), 0);
    } finally {
      await db.close();
    }
    expect(newKid).not.toBe(oldKid);
    const rotatedAt = Date.now();
    while (!(await publishedKids()).includes(newKid)) {
      if (Date.now() - rotatedAt > KEY_PICKUP_MS) {
        throw new Error(`${server.name} did not publish the new key within ${KEY_PICKUP_MS} ms`);
      }
      await sleep(1000);
    }
    // Newest first; the retired key stays published while tokens it signed can live.
    expect(await publishedKids()).toEqual([newKid, oldKid]);

    const again = await toResult(
      client.POST(LOG_IN, {
        body: { username: body.account.emailAddress, password: body.password },
      }),
    );
    if (again.error) throw again.error;
    const fresh = again.data.jwtAccessToken ?? "";
    expect(decodeProtectedHeader(fresh).kid).toBe(newKid);
    // The consumer fetches the key set again for the kid it lacks, and still takes the old JWT.
    expect((await verify(fresh)).protectedHeader.kid).toBe(newKid);
    expect((await verify(old.jwtAccessToken ?? "")).protectedHeader.kid).toBe(oldKid);
    // The server takes both too, and the client's app token (signed with the old key).
    expect((await session.readAccount()).data?.id).toBe(accountIdOf(old));
    expect((await readAs(accountIdOf(old), fresh)).status).toBe(200);
    expect(recorder.exchanges.filter((e) => e.status === 401)).toEqual([]);
    expect(recorder.tokenRequests()).toHaveLength(1);
  });

  it("never writes a shopper's token or password in the server's output", async ({ expect }) => {
    const { client } = newClient();
    const body = shopper();
    const session = createShopperSession(client);
    const ticket = await session.signUp(body);
    if (ticket.error) throw ticket.error;
    await session.readAccount();
    await session.logOut();
    const secrets = [
      body.password,
      ticket.data.accessToken,
      ticket.data.refreshToken,
      ticket.data.jwtAccessToken,
    ];
    for (const secret of secrets) {
      expect(server.lines.filter((line) => secret && line.includes(secret))).toEqual([]);
    }
  });
});
