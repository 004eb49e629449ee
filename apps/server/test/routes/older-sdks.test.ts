// The application ticket of Kibo's older SDKs (mozu-node-sdk and its kin) in-process, on every
// test database: credentials in camelCase at /platform/applications/authtickets/ (trailing
// slash), the ticket's access token sent as x-vol-app-claims, and refresh-ticket.
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/auth/secrets.js";
import { DIALECTS } from "../support/databases.js";
import { APP, createTestApp, readJson, signUpBody, type TestApp } from "../support/test-app.js";

const TICKETS = "/api/platform/applications/authtickets";
const REFRESH_TICKET = `${TICKETS}/refresh-ticket`;
const SIGN_UP = "/api/commerce/customer/accounts/Add-Account-And-Login";
const APP_REFRESH_TTL_MS = 30 * 24 * 60 * 60 * 1000;

interface AppTicket {
  accessToken: string;
  accessTokenExpiration: string;
  refreshToken: string;
  refreshTokenExpiration: string;
}

describe.each(DIALECTS)("older SDKs' application tickets on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  // As mozu-node-sdk sends it: a trailing slash and an empty responseFields.
  const authenticateApp = (body: unknown) =>
    t.call(`${TICKETS}/?responseFields=`, { method: "POST", json: body });
  const ticket = async (): Promise<AppTicket> => {
    const response = await authenticateApp({
      applicationId: APP.clientId,
      sharedSecret: APP.sharedSecret,
    });
    expect(response.status).toBe(200);
    return readJson(response);
  };
  const refreshTicket = (refreshToken: unknown) =>
    t.call(`${REFRESH_TICKET}?responseFields=`, { method: "PUT", json: { refreshToken } });
  const signUpWith = (headers: Record<string, string>) =>
    t.call(SIGN_UP, { method: "POST", json: signUpBody(), headers });

  it("answers a ticket whose expirations are the token's own, to the second", async () => {
    const issuedAt = t.clock.now().getTime();
    const issued = await ticket();
    const jwks = createLocalJWKSet(await readJson(await t.call("/.well-known/jwks.json")));
    const { payload } = await jwtVerify(issued.accessToken, jwks, {
      currentDate: t.clock.now(),
    });
    expect(payload.sub).toBe(APP.clientId);
    expect(payload.tenant).toBe(t.config.tenant.id);
    expect(new Date(issued.accessTokenExpiration).getTime()).toBe((payload.exp as number) * 1000);
    expect(new Date(issued.accessTokenExpiration).getTime() - issuedAt).toBe(
      t.config.tokens.appTokenTtlSeconds * 1000,
    );
    expect(new Date(issued.refreshTokenExpiration).getTime() - issuedAt).toBe(APP_REFRESH_TTL_MS);
    // The refresh token is stored as its hash only.
    const stored = await t.db.kysely
      .selectFrom("application_refresh_tokens")
      .select("token_hash")
      .execute();
    const hashes = stored.map((row) => row.token_hash);
    expect(hashes).toContain(sha256(issued.refreshToken));
    expect(hashes).not.toContain(issued.refreshToken);
  });

  it("applies responseFields, which those SDKs put on every call", async () => {
    const response = await t.call(`${TICKETS}/?responseFields=accessToken,accessTokenExpiration`, {
      method: "POST",
      json: { applicationId: APP.clientId, sharedSecret: APP.sharedSecret },
    });
    expect(response.status).toBe(200);
    expect(Object.keys(await readJson(response)).sort()).toEqual([
      "accessToken",
      "accessTokenExpiration",
    ]);
  });

  it("refuses wrong credentials with 401 in Kibo's shape, and missing ones with 400", async () => {
    for (const body of [
      { applicationId: APP.clientId, sharedSecret: "not-the-secret" },
      { applicationId: "no.such.app", sharedSecret: APP.sharedSecret },
    ]) {
      const refused = await authenticateApp(body);
      expect(refused.status).toBe(401);
      expect(await readJson(refused)).toMatchObject({ errorCode: "UNAUTHORIZED" });
    }
    const incomplete = await authenticateApp({ applicationId: APP.clientId });
    expect(incomplete.status).toBe(400);
    expect((await readJson(incomplete)).additionalErrorData).toEqual([
      expect.objectContaining({ name: "sharedSecret" }),
    ]);
  });

  it("takes the ticket's access token in x-vol-app-claims, as those SDKs send it", async () => {
    const { accessToken } = await ticket();
    const tenant = await t.call(`/api/platform/tenants/${t.config.tenant.id}`, {
      headers: { "x-vol-app-claims": accessToken },
    });
    expect(tenant.status).toBe(200);
    const signedUp = await signUpWith({
      "x-vol-app-claims": accessToken,
      "x-vol-tenant": String(t.config.tenant.id),
      "x-vol-site": String(t.config.site.id),
    });
    expect(signedUp.status).toBe(200);
    // An OAuth access token is the same kind of token.
    expect((await signUpWith({ "x-vol-app-claims": await t.appToken() })).status).toBe(200);
  });

  it("refuses in x-vol-app-claims anything but a valid application token", async () => {
    const { accessToken } = await ticket();
    const shopper = await readJson(await signUpWith({ authorization: `Bearer ${accessToken}` }));
    const forged = `${accessToken.slice(0, accessToken.lastIndexOf(".") + 1)}AAAA`;
    for (const claims of [shopper.jwtAccessToken, shopper.accessToken, forged, "", "garbage"]) {
      const refused = await signUpWith({ "x-vol-app-claims": claims });
      expect(refused.status, claims).toBe(401);
      expect(await readJson(refused)).toMatchObject({ errorCode: "UNAUTHORIZED" });
    }
    // Another tenant's site in the headers: refused as with a bearer token.
    const otherSite = await signUpWith({
      "x-vol-app-claims": accessToken,
      "x-vol-site": String(t.config.site.id + 1),
    });
    expect(otherSite.status).toBe(401);
  });

  it("reads x-vol-app-claims only when there is no Authorization header", async () => {
    const { accessToken } = await ticket();
    const refused = await signUpWith({
      authorization: "Bearer not-a-token",
      "x-vol-app-claims": accessToken,
    });
    expect(refused.status).toBe(401);
  });

  it("exchanges a refresh token once for a new ticket, whichever exchange issued it", async () => {
    const first = await ticket();
    const renewed = await refreshTicket(first.refreshToken);
    expect(renewed.status).toBe(200);
    const second: AppTicket = await readJson(renewed);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await signUpWith({ "x-vol-app-claims": second.accessToken })).status).toBe(200);
    // Single use.
    expect((await refreshTicket(first.refreshToken)).status).toBe(401);
    // An OAuth refresh_token works here too.
    const oauth = await readJson(
      await t.call(`${TICKETS}/oauth`, {
        method: "POST",
        json: {
          client_id: APP.clientId,
          client_secret: APP.sharedSecret,
          grant_type: "client_credentials",
        },
      }),
    );
    expect((await refreshTicket(oauth.refresh_token)).status).toBe(200);
  });

  it("refuses an unknown, expired or missing refresh token", async () => {
    const old = await ticket();
    t.clock.advance(APP_REFRESH_TTL_MS + 1000);
    const expired = await refreshTicket(old.refreshToken);
    expect(expired.status).toBe(401);
    expect(await readJson(expired)).toMatchObject({ errorCode: "UNAUTHORIZED" });
    expect((await refreshTicket("no-such-refresh-token")).status).toBe(401);
    const missing = await refreshTicket(undefined);
    expect(missing.status).toBe(400);
    expect((await readJson(missing)).additionalErrorData).toEqual([
      expect.objectContaining({ name: "refreshToken" }),
    ]);
  });
});
