// Add-Account-And-Login in-process, on every test database: what a shopper gets, what is
// stored, and every way the request can be refused without leaving anything behind.
import { verify } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/auth/secrets.js";
import { createPlatformRepository } from "../../src/platform/platform.repository.js";
import { DIALECTS } from "../support/databases.js";
import {
  APP,
  countAccounts,
  createTestApp,
  readJson,
  signUpBody,
  type TestApp,
} from "../support/test-app.js";

const PATH = "/api/commerce/customer/accounts/Add-Account-And-Login";

describe.each(DIALECTS)("Add-Account-And-Login on %s", (dialect) => {
  let t: TestApp;
  let token: string;
  const signUp = (json: unknown, init: RequestInit & { query?: string } = {}) =>
    t.call(`${PATH}${init.query ?? ""}`, {
      method: "POST",
      json,
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    });
  beforeAll(async () => {
    t = await createTestApp(dialect, { TENANT_MAX_ACCESS_TTL_MINUTES: "120" });
    token = await t.appToken();
  });
  afterAll(() => t.close());

  it("answers 200 with the tokens and the stored account", async () => {
    const body = {
      account: {
        emailAddress: "Ada.Lovelace@Example.com",
        firstName: "Ada",
        lastName: "Lovelace",
        localeCode: "en-GB",
        acceptsMarketing: true,
        contacts: [
          {
            email: "ada@example.com",
            firstName: "Ada",
            phoneNumbers: { mobile: "+44 20 7946 0958" },
            address: { address1: "12 St James's Square", countryCode: "GB" },
            types: [{ name: "Billing", isPrimary: true }],
          },
        ],
        attributes: [{ fullyQualifiedName: "tenant~colour", values: ["green", 3] }],
        notes: [{ content: "Prefers evenings." }],
        segments: [{ id: 7, code: "vip", name: "VIP" }],
      },
      password: "correct-horse-battery",
      fingerprint: "device-1",
      region: "eu-west",
    };
    const response = await signUp(body);
    expect(response.status).toBe(200);
    const ticket = await readJson(response);
    const now = t.clock.now().getTime();
    expect(ticket.accessTokenExpiration).toBe(new Date(now + 30 * 60_000).toISOString());
    expect(ticket.refreshTokenExpiration).toBe(new Date(now + 43_200 * 60_000).toISOString());
    expect(ticket.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ticket.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ticket.requires2FA).toBe(false);
    const account = ticket.customerAccount;
    expect(account).toMatchObject({
      emailAddress: "Ada.Lovelace@Example.com",
      userName: "Ada.Lovelace@Example.com",
      firstName: "Ada",
      isActive: true,
      isLocked: false,
      isAnonymous: false,
      hasExternalPassword: false,
      customerSinceDate: t.clock.now().toISOString(),
      auditInfo: { createBy: `app:${APP.clientId}` },
      commerceSummary: { orderCount: 0, totalOrderAmount: { amount: 0 } },
    });
    expect(Number.isInteger(account.id)).toBe(true);
    expect(account.userId).toBe(ticket.userId);
    expect(account.userId.length).toBeLessThanOrEqual(55);
    expect(account.contacts[0]).toMatchObject({
      accountId: account.id,
      email: "ada@example.com",
      phoneNumbers: { mobile: "+44 20 7946 0958", home: null },
      address: { address1: "12 St James's Square", countryCode: "GB", cityOrTown: null },
      types: [{ name: "Billing", isPrimary: true }],
    });
    expect(Number.isInteger(account.contacts[0].id)).toBe(true);
    expect(account.notes[0]).toMatchObject({ content: "Prefers evenings." });
    expect(Number.isInteger(account.notes[0].id)).toBe(true);
    expect(account.attributes[0]).toMatchObject({
      fullyQualifiedName: "tenant~colour",
      values: ["green", 3],
    });
    expect(account.segments[0]).toMatchObject({ id: 7, code: "vip", name: "VIP" });
  });

  it("stores the password only as an argon2id hash and tokens only as hashes", async () => {
    const password = "  spaces count, nothing is trimmed  ";
    const response = await signUp(signUpBody({ password, fingerprint: "fp-9", region: "us" }));
    expect(response.status).toBe(200);
    const ticket = await readJson(response);
    const credential = await t.db.kysely
      .selectFrom("credentials")
      .selectAll()
      .where("account_id", "=", ticket.customerAccount.id)
      .executeTakeFirstOrThrow();
    expect(credential.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verify(credential.password_hash ?? "", password)).toBe(true);
    expect(await verify(credential.password_hash ?? "", password.trim())).toBe(false);

    const refresh = await t.db.kysely
      .selectFrom("refresh_tokens")
      .selectAll()
      .where("account_id", "=", ticket.customerAccount.id)
      .executeTakeFirstOrThrow();
    expect(refresh.token_hash).not.toBe(ticket.refreshToken);
    expect(refresh.token_hash).toBe(sha256(ticket.refreshToken));
    expect(refresh).toMatchObject({ fingerprint: "fp-9", region: "us" });
    const access = await t.db.kysely
      .selectFrom("access_tokens")
      .selectAll()
      .where("account_id", "=", ticket.customerAccount.id)
      .executeTakeFirstOrThrow();
    expect(access.token_hash).toBe(sha256(ticket.accessToken));

    // Nowhere in any table, nor in any log line, is the password or a token in clear.
    const dump = JSON.stringify(
      await Promise.all(
        ["accounts", "credentials", "access_tokens", "refresh_tokens", "account_contacts"].map(
          (table) =>
            t.db.kysely
              .selectFrom(table as "accounts")
              .selectAll()
              .execute(),
        ),
      ),
    );
    for (const secret of [
      password,
      ticket.accessToken,
      ticket.refreshToken,
      ticket.jwtAccessToken,
    ]) {
      expect(dump).not.toContain(secret);
      expect(t.logs.join("\n")).not.toContain(secret);
    }
    expect(t.logs.join("\n")).not.toContain(credential.password_hash);
  });

  it("signs jwtAccessToken with a key published at /.well-known/jwks.json", async () => {
    const ticket = await readJson(await signUp(signUpBody()));
    const jwks = await readJson(await t.call("/.well-known/jwks.json"));
    const { payload, protectedHeader } = await jwtVerify(
      ticket.jwtAccessToken,
      createLocalJWKSet(jwks),
      {
        issuer: "kibo-auth",
        audience: "kibo-auth:customer",
        algorithms: ["ES256"],
        currentDate: t.clock.now(),
      },
    );
    expect(protectedHeader.kid).toBe(jwks.keys[0].kid);
    expect(payload.sub).toBe(ticket.userId);
    expect(payload.accountId).toBe(ticket.customerAccount.id);
    expect(payload.exp).toBe(Math.floor(Date.parse(ticket.accessTokenExpiration) / 1000));
  });

  it("defaults userName to emailAddress and keeps a given one as sent", async () => {
    const body = signUpBody({}, { userName: "Ada_L" });
    const ticket = await readJson(await signUp(body));
    expect(ticket.customerAccount.userName).toBe("Ada_L");
  });

  it("answers 409 when the email address is taken in another case, and stores nothing", async () => {
    const body = signUpBody();
    expect((await signUp(body)).status).toBe(200);
    const before = await countAccounts(t.db);
    const again = {
      ...body,
      account: { ...body.account, emailAddress: body.account.emailAddress.toUpperCase() },
    };
    const response = await signUp(again);
    expect(response.status).toBe(409);
    expect(await readJson(response)).toMatchObject({
      errorCode: "VALIDATION_CONFLICT",
      additionalErrorData: [{ name: "account.emailAddress" }],
    });
    expect(await countAccounts(t.db)).toBe(before);
  });

  it("answers 409 when the user name is taken in another case", async () => {
    expect((await signUp(signUpBody({}, { userName: "Grace.Hopper" }))).status).toBe(200);
    const response = await signUp(signUpBody({}, { userName: " grace.hopper " }));
    expect(response.status).toBe(409);
    expect((await readJson(response)).additionalErrorData).toEqual([
      { name: "account.userName", value: "is already taken" },
    ]);
  });

  it("lets exactly one of many concurrent sign-ups for one email through", async () => {
    const email = `race.${Date.now()}@example.com`;
    const variants = Array.from({ length: 12 }, (_, i) =>
      i % 2 ? email.toUpperCase() : email.replace("race", "RACE"),
    );
    const before = await countAccounts(t.db);
    const statuses = await Promise.all(
      variants.map(async (emailAddress) => (await signUp(signUpBody({}, { emailAddress }))).status),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
    expect(await countAccounts(t.db)).toBe(before + 1);
  });

  it("imports an account with an external password hash and no local one", async () => {
    const external = await bcrypt.hash("imported-password", 4);
    const response = await signUp(
      signUpBody({ password: undefined, isImport: true, externalPassword: external }),
    );
    expect(response.status).toBe(200);
    const ticket = await readJson(response);
    expect(ticket.customerAccount.hasExternalPassword).toBe(true);
    const credential = await t.db.kysely
      .selectFrom("credentials")
      .selectAll()
      .where("account_id", "=", ticket.customerAccount.id)
      .executeTakeFirstOrThrow();
    expect(credential).toMatchObject({ password_hash: null, external_password_hash: external });
  });

  it("honours requested token lifetimes to the second", async () => {
    const ticket = await readJson(
      await signUp(signUpBody({ authTicketTtlMinutes: 5, refreshTokenTtlMinutes: 90 })),
    );
    const now = t.clock.now().getTime();
    expect(ticket.accessTokenExpiration).toBe(new Date(now + 5 * 60_000).toISOString());
    expect(ticket.refreshTokenExpiration).toBe(new Date(now + 90 * 60_000).toISOString());
  });

  describe("refuses, with Kibo's error body and nothing stored:", () => {
    const cases: {
      given: string;
      body?: unknown;
      raw?: string;
      query?: string;
      headers?: Record<string, string>;
      want: { status: number; errorCode: string; field?: string };
    }[] = [
      {
        given: "a password under 8 characters",
        body: signUpBody({ password: "short" }),
        want: { status: 400, errorCode: "MISSING_OR_INVALID_PARAMETER", field: "password" },
      },
      {
        given: "a password over 128 characters",
        body: signUpBody({ password: "x".repeat(129) }),
        want: { status: 400, errorCode: "MISSING_OR_INVALID_PARAMETER", field: "password" },
      },
      {
        given: "no password and no import",
        body: signUpBody({ password: undefined }),
        want: { status: 400, errorCode: "MISSING_OR_INVALID_PARAMETER", field: "password" },
      },
      {
        given: "an external password in an unsupported format",
        body: signUpBody({ password: undefined, isImport: true, externalPassword: "md5:abc" }),
        want: { status: 400, errorCode: "MISSING_OR_INVALID_PARAMETER", field: "externalPassword" },
      },
      {
        given: "an external password without isImport",
        body: signUpBody({
          password: undefined,
          externalPassword: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
        }),
        want: { status: 400, errorCode: "MISSING_OR_INVALID_PARAMETER", field: "externalPassword" },
      },
      {
        given: "an invalid email address",
        body: signUpBody({}, { emailAddress: "not-an-email" }),
        want: {
          status: 400,
          errorCode: "MISSING_OR_INVALID_PARAMETER",
          field: "account.emailAddress",
        },
      },
      {
        given: "no account",
        body: { password: "correct-horse-battery" },
        want: { status: 400, errorCode: "MISSING_OR_INVALID_PARAMETER", field: "account" },
      },
      {
        given: "a number beyond int32",
        body: signUpBody({ authTicketTtlMinutes: 2 ** 31 }),
        want: {
          status: 400,
          errorCode: "MISSING_OR_INVALID_PARAMETER",
          field: "authTicketTtlMinutes",
        },
      },
      {
        given: "a wrongly typed nested field",
        body: signUpBody({}, { contacts: [{ email: 5 }] }),
        want: {
          status: 400,
          errorCode: "MISSING_OR_INVALID_PARAMETER",
          field: "account.contacts.0.email",
        },
      },
      {
        given: "a token lifetime above the tenant's cap",
        body: signUpBody({ authTicketTtlMinutes: 121 }),
        want: {
          status: 400,
          errorCode: "MISSING_OR_INVALID_PARAMETER",
          field: "authTicketTtlMinutes",
        },
      },
      {
        given: "a token lifetime above the platform's hard cap",
        body: signUpBody({ refreshTokenTtlMinutes: 129_601 }),
        want: {
          status: 400,
          errorCode: "MISSING_OR_INVALID_PARAMETER",
          field: "refreshTokenTtlMinutes",
        },
      },
      {
        given: "malformed JSON",
        raw: '{"account": {',
        want: { status: 400, errorCode: "MISSING_OR_INVALID_PARAMETER" },
      },
      {
        given: "an empty body",
        raw: "",
        want: { status: 400, errorCode: "MISSING_OR_INVALID_PARAMETER" },
      },
      {
        given: "a body that is not JSON",
        raw: "account=1",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        want: { status: 415, errorCode: "UNSUPPORTED_MEDIA_TYPE" },
      },
      {
        given: "no content type",
        raw: "{}",
        headers: { "content-type": "" },
        want: { status: 415, errorCode: "UNSUPPORTED_MEDIA_TYPE" },
      },
      {
        given: "a malformed responseFields",
        body: signUpBody(),
        query: "?responseFields=a,(b",
        want: { status: 400, errorCode: "MISSING_OR_INVALID_PARAMETER", field: "responseFields" },
      },
      {
        given: "an x-vol-tenant of another tenant",
        body: signUpBody(),
        headers: { "x-vol-tenant": "999" },
        want: { status: 401, errorCode: "UNAUTHORIZED" },
      },
      {
        given: "an x-vol-site of another site",
        body: signUpBody(),
        headers: { "x-vol-site": "999" },
        want: { status: 401, errorCode: "UNAUTHORIZED" },
      },
      {
        given: "no application token",
        body: signUpBody(),
        headers: { authorization: "" },
        want: { status: 401, errorCode: "UNAUTHORIZED" },
      },
      {
        given: "a garbled application token",
        body: signUpBody(),
        headers: { authorization: "Bearer not.a.jwt" },
        want: { status: 401, errorCode: "UNAUTHORIZED" },
      },
    ];
    it.each(cases)("$given -> $want.status", async ({ body, raw, query, headers, want }) => {
      const before = await countAccounts(t.db);
      const response =
        raw === undefined
          ? await signUp(body, { query, headers })
          : await t.call(`${PATH}${query ?? ""}`, {
              method: "POST",
              body: raw,
              headers: {
                authorization: `Bearer ${token}`,
                "content-type": "application/json",
                ...headers,
              },
            });
      expect(response.status).toBe(want.status);
      const error = await readJson(response);
      expect(error.errorCode).toBe(want.errorCode);
      expect(error.exceptionDetail).toBeNull();
      expect(JSON.stringify(error)).not.toMatch(/\bat .*\.(ts|js):\d+/);
      if (want.field)
        expect(error.additionalErrorData.map((d: { name: string }) => d.name)).toContain(
          want.field,
        );
      expect(response.headers.get("x-vol-correlation")).toBeTruthy();
      expect(await countAccounts(t.db)).toBe(before);
    });
  });

  it("answers 401 for an application token signed by another key", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ tenant: 1000, site: 2000, behaviors: [] })
      .setProtectedHeader({ alg: "ES256", kid: "forged" })
      .setIssuer("kibo-auth")
      .setAudience("kibo-auth:application")
      .setSubject(APP.clientId)
      .setJti("x")
      .setExpirationTime("1h")
      .sign(privateKey);
    const response = await signUp(signUpBody(), { headers: { authorization: `Bearer ${forged}` } });
    expect(response.status).toBe(401);
    // RFC 6750: the bearer token itself was refused, so a fresh application token may help.
    expect(response.headers.get("www-authenticate")).toBe(
      'Bearer realm="kibo-auth", error="invalid_token"',
    );
    const missing = await signUp(signUpBody(), { headers: { authorization: "" } });
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="kibo-auth"');
  });

  it("answers 401 for a remembered token's signature under another payload", async () => {
    // The genuine token is verified, so the server remembers it (by its signature).
    expect((await signUp(signUpBody(), {})).status).toBe(200);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const altered = Buffer.from(
      JSON.stringify({ ...claims, behaviors: [...claims.behaviors, "extra:behavior"] }),
    ).toString("base64url");
    const response = await signUp(signUpBody(), {
      headers: { authorization: `Bearer ${header}.${altered}.${signature}` },
    });
    expect(response.status).toBe(401);
    // The genuine token is still accepted afterwards.
    expect((await signUp(signUpBody(), {})).status).toBe(200);
  });

  it("answers 401 once the application token has expired", async () => {
    const early = await t.appToken();
    t.clock.advance(3601 * 1000);
    try {
      const response = await signUp(signUpBody(), {
        headers: { authorization: `Bearer ${early}` },
      });
      expect(response.status).toBe(401);
      expect((await readJson(response)).message).toMatch(/expired/);
    } finally {
      token = await t.appToken();
    }
  });

  it("answers 403 when an application without the behavior asks for token lifetimes", async () => {
    await createPlatformRepository(t.db).upsertApplication(
      {
        clientId: "plain.app",
        secretHash: sha256("plain-app-secret-123"),
        tenantId: 1000,
        siteId: 2000,
        behaviors: [],
      },
      t.clock.now().toISOString(),
    );
    const plain = await t.appToken({ clientId: "plain.app", sharedSecret: "plain-app-secret-123" });
    const before = await countAccounts(t.db);
    const response = await signUp(signUpBody({ authTicketTtlMinutes: 10 }), {
      headers: { authorization: `Bearer ${plain}` },
    });
    expect(response.status).toBe(403);
    expect((await readJson(response)).errorCode).toBe("FORBIDDEN");
    expect(await countAccounts(t.db)).toBe(before);
    // Without TTLs, the same application may sign shoppers up.
    const ok = await signUp(signUpBody(), { headers: { authorization: `Bearer ${plain}` } });
    expect(ok.status).toBe(200);
  });

  it("applies nested responseFields to the answer", async () => {
    const body = signUpBody({}, { contacts: [{ email: "c@example.com", firstName: "C" }] });
    const response = await signUp(body, {
      query: `?responseFields=${encodeURIComponent("accessToken,customerAccount(id,emailAddress,contacts(email))")}`,
    });
    expect(response.status).toBe(200);
    const picked = await readJson(response);
    expect(Object.keys(picked).sort()).toEqual(["accessToken", "customerAccount"]);
    expect(Object.keys(picked.customerAccount).sort()).toEqual(["contacts", "emailAddress", "id"]);
    expect(picked.customerAccount.contacts).toEqual([{ email: "c@example.com" }]);
  });

  it("matches the path without regard to case, as Kibo's older SDK sends it", async () => {
    const response = await t.call(PATH.toLowerCase(), {
      method: "POST",
      json: signUpBody(),
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
  });

  it("ignores one trailing slash, and only one", async () => {
    const signUp = (path: string) =>
      t.call(path, {
        method: "POST",
        json: signUpBody(),
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await signUp(`${PATH}/`)).status).toBe(200);
    expect((await signUp(`${PATH}//`)).status).toBe(404);
  });
});

describe.each(DIALECTS)(
  "Add-Account-And-Login with raised argon2id parameters on %s",
  (dialect) => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { ARGON2_MEMORY_KIB: "24576", ARGON2_TIME_COST: "3" });
    });
    afterAll(() => t.close());

    it("hashes with the configured parameters, written into the stored hash", async () => {
      const body = signUpBody();
      const response = await t.call(PATH, {
        method: "POST",
        json: body,
        headers: { authorization: `Bearer ${await t.appToken()}` },
      });
      expect(response.status).toBe(200);
      const { password_hash } = await t.db.kysely
        .selectFrom("credentials")
        .select("password_hash")
        .where("account_id", "=", (await readJson(response)).customerAccount.id)
        .executeTakeFirstOrThrow();
      expect(password_hash).toMatch(/^\$argon2id\$v=19\$m=24576,t=3,p=1\$/);
      expect(await verify(password_hash ?? "", body.password)).toBe(true);
    });
  },
);
