// Log-in, refresh, account read and log-out in-process, on every test database: the tokens
// Add-Account-And-Login issues can be used, rotated and revoked.
import { hash as argon2Hash } from "@node-rs/argon2";
import bcrypt from "bcryptjs";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rotateSigningKey } from "../../src/auth/signing-keys.js";
import { DIALECTS } from "../support/databases.js";
import { createTestApp, readJson, signUpBody, type TestApp } from "../support/test-app.js";

const SIGN_UP = "/api/commerce/customer/accounts/Add-Account-And-Login";
const LOG_IN = "/api/commerce/customer/authtickets";
const REFRESH = "/api/commerce/customer/authtickets/refresh";

describe.each(DIALECTS)("shopper sessions on %s", (dialect) => {
  let t: TestApp;
  let app: string;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const signUp = async (body = signUpBody()) => {
    const response = await t.call(SIGN_UP, { method: "POST", json: body, headers: as(app) });
    expect(response.status).toBe(200);
    return { body, ticket: await readJson(response) };
  };
  const logIn = (json: Record<string, unknown>) =>
    t.call(LOG_IN, { method: "POST", json, headers: as(app) });
  const refresh = (token: string, query = "") =>
    t.call(`${REFRESH}?refreshToken=${encodeURIComponent(token)}${query}`, {
      method: "PUT",
      headers: as(app),
    });
  const readAccount = (id: number, token: string, query = "") =>
    t.call(`/api/commerce/customer/accounts/${id}${query}`, { headers: as(token) });

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      LOGIN_MAX_FAILURES: "3",
      LOGIN_LOCK_MINUTES: "10",
      // These tests log in far more often than a shopper would; rate limits have their own suite.
      RATE_LIMIT_PER_ACCOUNT: "10000",
    });
    app = await t.appToken();
  });
  afterAll(() => t.close());

  it("logs a shopper in by email address or user name, in any case", async () => {
    const { body, ticket } = await signUp(signUpBody({}, { userName: "Lin.Test" }));
    for (const username of [body.account.emailAddress.toUpperCase(), "lin.test"]) {
      const response = await logIn({ username, password: body.password });
      expect(response.status).toBe(200);
      const again = await readJson(response);
      expect(again.customerAccount.id).toBe(ticket.customerAccount.id);
      expect(again.accessToken).not.toBe(ticket.accessToken);
      expect(again.refreshToken).not.toBe(ticket.refreshToken);
      expect(again.requires2FA).toBe(false);
    }
  });

  it("answers an unknown user and a wrong password with the same 401", async () => {
    const { body } = await signUp();
    const unknown = await logIn({ username: "nobody@example.com", password: body.password });
    const wrong = await logIn({ username: body.account.emailAddress, password: "wrong-password" });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await readJson(unknown)).toEqual(await readJson(wrong));
    // No bearer challenge: the application token was fine, the shopper's credentials were not.
    expect(unknown.headers.get("www-authenticate")).toBeNull();
    expect(wrong.headers.get("www-authenticate")).toBeNull();
  });

  it("takes as long to refuse an unknown user as a wrong password (median within 20%)", async () => {
    const { body } = await signUp();
    const timed = async (username: string) => {
      const started = performance.now();
      const response = await logIn({ username, password: "wrong-password" });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(401);
      return elapsed;
    };
    const median = (values: number[]) =>
      values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    // Pairs taken back to back share the machine's load at that moment, so the median of the
    // pairs' ratios is steady even when other work competes for the cores. Two failures in a
    // row would lock the account (LOGIN_MAX_FAILURES=3 here), so a success resets the count.
    // Which of the two goes first alternates, so that neither always meets a cooler machine.
    const ratios: number[] = [];
    for (let i = 0; i < 41; i += 1) {
      const unknownFirst = i % 2 === 0;
      const first = await timed(
        unknownFirst ? `nobody-${i}@example.com` : body.account.emailAddress,
      );
      const second = await timed(
        unknownFirst ? body.account.emailAddress : `nobody-${i}@example.com`,
      );
      ratios.push(unknownFirst ? first / second : second / first);
      if (i % 2 === 1) {
        const ok = await logIn({ username: body.account.emailAddress, password: body.password });
        expect(ok.status).toBe(200);
      }
    }
    const ratio = median(ratios);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.2);
  });

  it("locks the account after repeated failures, and tells only a caller who knows the password", async () => {
    const { body, ticket } = await signUp();
    const wrong = { username: body.account.emailAddress, password: "wrong-password" };
    for (let i = 0; i < 3; i += 1) expect((await logIn(wrong)).status).toBe(401);
    const right = await logIn({ username: body.account.emailAddress, password: body.password });
    expect(right.status).toBe(403);
    expect((await readJson(right)).errorCode).toBe("ACCOUNT_LOCKED");
    const stillWrong = await logIn(wrong);
    expect(stillWrong.status).toBe(401);
    expect((await readJson(stillWrong)).errorCode).toBe("UNAUTHORIZED");
    const locked = await readJson(await readAccount(ticket.customerAccount.id, app));
    expect(locked.isLocked).toBe(true);

    t.clock.advance(10 * 60_000 + 1000);
    const after = await logIn({ username: body.account.emailAddress, password: body.password });
    expect(after.status).toBe(200);
    expect((await readJson(after)).customerAccount.isLocked).toBe(false);
    app = await t.appToken();
  });

  it("refuses token lifetimes at log-in without the behavior's application, as at sign-up", async () => {
    const { body } = await signUp();
    const response = await logIn({
      username: body.account.emailAddress,
      password: body.password,
      authTicketTtlMinutes: 100_000,
    });
    expect(response.status).toBe(400);
  });

  it.each([
    ["bcrypt", () => bcrypt.hash("imported-Passw0rd", 6)],
    [
      "argon2i",
      () => argon2Hash("imported-Passw0rd", { algorithm: 1, memoryCost: 4096, timeCost: 3 }),
    ],
    [
      "argon2id",
      () => argon2Hash("imported-Passw0rd", { algorithm: 2, memoryCost: 8192, timeCost: 1 }),
    ],
  ])(
    "logs in an account imported with a %s hash, then keeps only its own argon2id hash",
    async (_, make) => {
      const external = await make();
      const { body, ticket } = await signUp(
        signUpBody({ password: undefined, isImport: true, externalPassword: external }),
      );
      const username = body.account.emailAddress;
      expect((await logIn({ username, password: "not-the-password" })).status).toBe(401);
      const first = await logIn({ username, password: "imported-Passw0rd" });
      expect(first.status).toBe(200);
      expect((await readJson(first)).customerAccount.hasExternalPassword).toBe(false);
      const credential = await t.db.kysely
        .selectFrom("credentials")
        .selectAll()
        .where("account_id", "=", ticket.customerAccount.id)
        .executeTakeFirstOrThrow();
      expect(credential.external_password_hash).toBeNull();
      expect(credential.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect((await logIn({ username, password: "imported-Passw0rd" })).status).toBe(200);
    },
  );

  it("re-hashes a password stored with other argon2id parameters at the next successful log-in", async () => {
    const { body, ticket } = await signUp();
    const username = body.account.emailAddress;
    const storedHash = async () =>
      (
        await t.db.kysely
          .selectFrom("credentials")
          .select("password_hash")
          .where("account_id", "=", ticket.customerAccount.id)
          .executeTakeFirstOrThrow()
      ).password_hash;
    // As if the account had signed up before the operator raised ARGON2_TIME_COST to 2.
    const older = await argon2Hash(body.password, {
      algorithm: 2,
      memoryCost: 19_456,
      timeCost: 1,
      parallelism: 1,
    });
    await t.db.kysely
      .updateTable("credentials")
      .set({ password_hash: older })
      .where("account_id", "=", ticket.customerAccount.id)
      .execute();

    const updatedAt = () =>
      t.db.kysely
        .selectFrom("accounts")
        .select("updated_at")
        .where("id", "=", ticket.customerAccount.id)
        .executeTakeFirstOrThrow();
    const accountBefore = await updatedAt();

    expect((await logIn({ username, password: "not-the-password" })).status).toBe(401);
    expect(await storedHash()).toBe(older);
    t.clock.advance(60_000);
    expect((await logIn({ username, password: body.password })).status).toBe(200);
    const upgraded = await storedHash();
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // A re-hash is not an edit of the account: its audit dates stay as they were.
    expect(await updatedAt()).toEqual(accountBefore);
    expect((await logIn({ username, password: body.password })).status).toBe(200);
    // Already current: the next log-in leaves it as it is.
    expect(await storedHash()).toBe(upgraded);
  });

  it("rotates refresh tokens, and a reused one revokes the whole family", async () => {
    const { ticket } = await signUp();
    const first = await refresh(ticket.refreshToken);
    expect(first.status).toBe(200);
    const second = await readJson(first);
    expect(second.refreshToken).not.toBe(ticket.refreshToken);
    expect(second.customerAccount.id).toBe(ticket.customerAccount.id);
    expect((await readAccount(ticket.customerAccount.id, second.jwtAccessToken)).status).toBe(200);

    // The rotated token again: theft is assumed, every token of the family stops working.
    expect((await refresh(ticket.refreshToken)).status).toBe(401);
    expect((await refresh(second.refreshToken)).status).toBe(401);
    expect((await readAccount(ticket.customerAccount.id, second.jwtAccessToken)).status).toBe(401);
    expect((await readAccount(ticket.customerAccount.id, second.accessToken)).status).toBe(401);
  });

  it("refuses a refresh token for another account id, or past its expiration", async () => {
    const { ticket } = await signUp(signUpBody({ refreshTokenTtlMinutes: 5 }));
    const other = ticket.customerAccount.id + 1;
    expect((await refresh(ticket.refreshToken, `&accountId=${other}`)).status).toBe(401);
    expect(
      (await refresh(ticket.refreshToken, `&accountId=${ticket.customerAccount.id}`)).status,
    ).toBe(200);
    const { ticket: later } = await signUp(signUpBody({ refreshTokenTtlMinutes: 5 }));
    t.clock.advance(5 * 60_000 + 1);
    expect((await refresh(later.refreshToken)).status).toBe(401);
    app = await t.appToken();
  });

  it("logs out: the refresh token, the access token and the JWT all stop working", async () => {
    const { ticket } = await signUp();
    const id = ticket.customerAccount.id;
    expect((await readAccount(id, ticket.accessToken)).status).toBe(200);
    const response = await t.call(
      `${LOG_IN}?refreshToken=${encodeURIComponent(ticket.refreshToken)}`,
      {
        method: "DELETE",
        headers: as(app),
      },
    );
    expect(response.status).toBe(204);
    expect((await refresh(ticket.refreshToken)).status).toBe(401);
    expect((await readAccount(id, ticket.accessToken)).status).toBe(401);
    expect((await readAccount(id, ticket.jwtAccessToken)).status).toBe(401);
    // Logging out twice, or with a token nobody issued, reveals nothing.
    const again = await t.call(`${LOG_IN}?refreshToken=unknown`, {
      method: "DELETE",
      headers: as(app),
    });
    expect(again.status).toBe(204);
  });

  it("reads an account with the app token, or with the shopper's own tokens only", async () => {
    const { ticket } = await signUp(signUpBody({}, { notes: [{ content: "hello" }] }));
    const { ticket: stranger } = await signUp();
    const id = ticket.customerAccount.id;
    for (const token of [app, ticket.jwtAccessToken, ticket.accessToken]) {
      const response = await readAccount(id, token);
      expect(response.status).toBe(200);
      expect(await readJson(response)).toEqual(ticket.customerAccount);
    }
    const foreign = await readAccount(id, stranger.jwtAccessToken);
    expect(foreign.status).toBe(403);
    expect((await readJson(foreign)).errorCode).toBe("FORBIDDEN");
    expect((await readAccount(2_000_000_000, app)).status).toBe(404);
    expect((await readAccount(id, app, "?userId=someone-else")).status).toBe(404);
    const picked = await readJson(await readAccount(id, app, "?responseFields=id,notes(content)"));
    expect(picked).toEqual({ id, notes: [{ content: "hello" }] });
    // A shopper's token is not an application token.
    const signUpAsShopper = await t.call(SIGN_UP, {
      method: "POST",
      json: signUpBody(),
      headers: as(ticket.accessToken),
    });
    expect(signUpAsShopper.status).toBe(401);
  });

  it("publishes a new signing key before using it, and keeps the old one until its tokens expire", async () => {
    const kidOf = async (token: string) => {
      const jwks = await readJson(await t.call("/.well-known/jwks.json"));
      const verified = await jwtVerify(token, createLocalJWKSet(jwks), {
        currentDate: t.clock.now(),
      });
      return verified.protectedHeader.kid;
    };
    const { ticket } = await signUp();
    const oldKid = await kidOf(ticket.jwtAccessToken);
    const newKid = await rotateSigningKey(t.db, t.clock.now());
    t.clock.advance(61_000); // past the key-set reload interval

    // Published at once, but not signing yet: caches of the key set must learn it first.
    const published = await readJson(await t.call("/.well-known/jwks.json"));
    expect(published.keys.map((key: { kid: string }) => key.kid)).toEqual([newKid, oldKid]);
    app = await t.appToken();
    expect(await kidOf((await signUp()).ticket.jwtAccessToken)).toBe(oldKid);

    // Once the old key retires (six minutes: JWKS max-age plus a reload), the new one signs.
    t.clock.advance(6 * 60_000);
    app = await t.appToken();
    const { ticket: newer } = await signUp();
    expect(await kidOf(newer.jwtAccessToken)).toBe(newKid);
    expect(await kidOf(ticket.jwtAccessToken)).toBe(oldKid);
    expect((await readAccount(ticket.customerAccount.id, ticket.jwtAccessToken)).status).toBe(200);

    // A day and a reload later, every token of the old key has expired and it is withdrawn.
    t.clock.advance(24 * 60 * 60_000 + 2 * 61_000);
    const later = await readJson(await t.call("/.well-known/jwks.json"));
    expect(later.keys.map((key: { kid: string }) => key.kid)).toEqual([newKid]);
    app = await t.appToken();
  });
});

describe.each(DIALECTS)("two-factor policy new-device on %s", (dialect) => {
  let t: TestApp;
  let app: string;
  beforeAll(async () => {
    t = await createTestApp(dialect, { TWO_FACTOR_POLICY: "new-device" });
    app = await t.appToken();
  });
  afterAll(() => t.close());

  it("trusts the sign-up device and asks for a second factor from any other", async () => {
    const body = signUpBody({ fingerprint: "browser-1", region: "eu" });
    const signUp = await t.call(SIGN_UP, {
      method: "POST",
      json: body,
      headers: { authorization: `Bearer ${app}` },
    });
    expect((await readJson(signUp)).requires2FA).toBe(false);
    const logIn = (fingerprint: string, region: string) =>
      t.call(LOG_IN, {
        method: "POST",
        json: { username: body.account.emailAddress, password: body.password, fingerprint, region },
        headers: { authorization: `Bearer ${app}` },
      });
    const known = await readJson(await logIn("browser-1", "eu"));
    expect(known.requires2FA).toBe(false);
    expect(known.accessToken).toBeTruthy();
    const unknown = await readJson(await logIn("browser-2", "eu"));
    expect(unknown).toMatchObject({
      requires2FA: true,
      accessToken: null,
      refreshToken: null,
      jwtAccessToken: null,
    });
    expect(unknown.accessTokenExpiration).toBe(t.clock.now().toISOString());
  });
});
