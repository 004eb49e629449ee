import { describe, expect, it } from "vitest";
import { createClient } from "../src/create-client.js";
import { ApiError } from "../src/result.js";
import {
  createShopperSession,
  ShopperSessionError,
  type ShopperSessionOptions,
} from "../src/shopper-session.js";
import { BASE_URL, createClock, createGate, kiboError } from "./helpers.js";
import { ACCOUNT_ID, createShopperServer, type ShopperServerOptions } from "./shopper-server.js";

const signUpBody = {
  account: { emailAddress: "ada@example.com", firstName: "Ada" },
  password: "correct-horse-battery-staple",
};
const MINUTE = 60_000;

function setup(
  server: Partial<Omit<ShopperServerOptions, "now">> = {},
  session: Omit<ShopperSessionOptions, "now"> = {},
) {
  const clock = createClock();
  const kibo = createShopperServer({ now: clock.now, ...server });
  const client = createClient({
    baseUrl: BASE_URL,
    fetch: kibo.fetch,
    clientId: "app-1",
    sharedSecret: "s3cret",
    now: clock.now,
  });
  return {
    clock,
    kibo,
    client,
    session: createShopperSession(client, { now: clock.now, ...session }),
  };
}

const query = (request: { url: URL } | undefined, name: string) =>
  request?.url.searchParams.get(name);

describe("createShopperSession", () => {
  it("holds the sign-up's tokens and answers them without a call while they are fresh", async () => {
    const { kibo, session } = setup();
    const signedUp = await session.signUp(signUpBody);
    expect(signedUp.data?.accessToken).toBe("access-1");
    expect(session.state()).toMatchObject({
      status: "active",
      ticket: { refreshToken: "refresh-1" },
    });
    expect(await session.accessToken()).toStrictEqual({ data: "access-1" });
    expect(await session.jwtAccessToken()).toStrictEqual({ data: "jwt-1" });
    expect(kibo.refreshes()).toHaveLength(0);
  });

  it("refreshes once the access token is within the skew of its expiration, by the injected clock", async () => {
    const { clock, kibo, session } = setup(); // 30-minute tokens: the skew is 60 s
    await session.signUp(signUpBody);
    clock.advance(30 * MINUTE - 60_001);
    expect(await session.accessToken()).toStrictEqual({ data: "access-1" });
    expect(kibo.refreshes()).toHaveLength(0);

    clock.advance(1); // exactly 60 s before expiry
    expect(await session.accessToken()).toStrictEqual({ data: "access-2" });
    expect(kibo.refreshes()).toHaveLength(1);
    expect(query(kibo.refreshes()[0], "refreshToken")).toBe("refresh-1");
    expect(query(kibo.refreshes()[0], "accountId")).toBe(String(ACCOUNT_ID));
    // The refresh is an /api call like any other: it carries the app token.
    expect(kibo.refreshes()[0]?.headers.get("authorization")).toBe("Bearer app-token-1");
  });

  it("renews short-lived tokens after nine tenths of their life, and honours refreshSkewMs", async () => {
    const short = setup({ accessTtlMs: 5 * MINUTE });
    await short.session.signUp(signUpBody);
    short.clock.advance(4.5 * MINUTE - 1);
    await short.session.accessToken();
    expect(short.kibo.refreshes()).toHaveLength(0);
    short.clock.advance(1);
    await short.session.accessToken();
    expect(short.kibo.refreshes()).toHaveLength(1);

    const skewed = setup({}, { refreshSkewMs: 10 * MINUTE });
    await skewed.session.signUp(signUpBody);
    skewed.clock.advance(20 * MINUTE - 1);
    await skewed.session.accessToken();
    expect(skewed.kibo.refreshes()).toHaveLength(0);
    skewed.clock.advance(1);
    await skewed.session.accessToken();
    expect(skewed.kibo.refreshes()).toHaveLength(1);
  });

  it("makes concurrent callers share one refresh", async () => {
    const gate = createGate();
    const { clock, kibo, session } = setup({
      respond: async ({ method }) => {
        if (method === "PUT") await gate.opened;
        return undefined;
      },
    });
    await session.signUp(signUpBody);
    clock.advance(30 * MINUTE);
    const pending = Promise.all([
      session.accessToken(),
      session.jwtAccessToken(),
      session.ticket(),
      session.readAccount(),
      session.accessToken(),
    ]);
    gate.release();
    const [access, jwt, ticket, account, again] = await pending;
    expect(kibo.refreshes()).toHaveLength(1);
    expect(access).toStrictEqual({ data: "access-2" });
    expect(jwt).toStrictEqual({ data: "jwt-2" });
    expect(ticket.data?.refreshToken).toBe("refresh-2");
    expect(account.data?.id).toBe(ACCOUNT_ID);
    expect(again).toStrictEqual({ data: "access-2" });
    expect(kibo.accountReads()[0]?.headers.get("authorization")).toBe("Bearer jwt-2");
  });

  it("replaces the rotated refresh token: each refresh presents the last one, never an old one", async () => {
    const { clock, kibo, session } = setup();
    await session.signUp(signUpBody);
    for (let i = 0; i < 3; i += 1) {
      clock.advance(30 * MINUTE);
      expect((await session.ticket()).error).toBeUndefined();
    }
    expect(kibo.refreshes().map((r) => query(r, "refreshToken"))).toStrictEqual([
      "refresh-1",
      "refresh-2",
      "refresh-3",
    ]);
    expect(session.state()).toMatchObject({
      status: "active",
      ticket: { accessToken: "access-4", refreshToken: "refresh-4", jwtAccessToken: "jwt-4" },
    });
    // The fake revokes a family on reuse: had an old token been sent, this would be 401.
    expect(kibo.families[0]?.revoked).toBe(false);
  });

  it("logs out with the current refresh token and forgets every token", async () => {
    const { clock, kibo, session } = setup();
    await session.signUp(signUpBody);
    clock.advance(30 * MINUTE);
    await session.ticket(); // now on refresh-2
    expect(await session.logOut()).toStrictEqual({ data: undefined });
    expect(kibo.logOuts().map((r) => query(r, "refreshToken"))).toStrictEqual(["refresh-2"]);
    expect(kibo.logOuts()[0]?.headers.get("authorization")).toBe("Bearer app-token-1");
    expect(session.state()).toStrictEqual({ status: "signed-out" });

    const before = kibo.requests.length;
    const access = await session.accessToken();
    expect(access.error).toBeInstanceOf(ShopperSessionError);
    expect(access.error).toMatchObject({ code: "NOT_LOGGED_IN" });
    expect((await session.readAccount()).error).toMatchObject({ code: "NOT_LOGGED_IN" });
    expect(await session.logOut()).toStrictEqual({ data: undefined });
    expect(kibo.requests).toHaveLength(before);
  });

  it("ends the session when the refresh answers 401, and returns that error typed", async () => {
    const { clock, kibo, session } = setup({
      respond: ({ method }) =>
        method === "PUT"
          ? kiboError(401, "UNAUTHORIZED", "The refresh token is not valid.")
          : undefined,
    });
    await session.signUp(signUpBody);
    clock.advance(30 * MINUTE);
    const [first, concurrent] = await Promise.all([session.accessToken(), session.ticket()]);
    expect(kibo.refreshes()).toHaveLength(1);
    const error = first.error;
    if (!(error instanceof ApiError)) throw new Error("expected the refresh's ApiError");
    expect(error.status).toBe(401);
    expect(error.body?.errorCode).toBe("UNAUTHORIZED");
    expect(error.correlationId).toMatch(/^corr-/);
    expect(concurrent.error).toBe(error);
    expect(session.state()).toStrictEqual({ status: "ended", error });

    const later = await session.readAccount();
    expect(later.error).toBeInstanceOf(ShopperSessionError);
    expect(later.error).toMatchObject({ code: "SESSION_ENDED", cause: error });
    expect(kibo.refreshes()).toHaveLength(1);
    expect(kibo.accountReads()).toHaveLength(0);
    // Logging in again starts a new session.
    expect((await session.logIn({ username: "ada@example.com", password: "x" })).status).toBe(200);
    expect(session.state().status).toBe("active");
  });

  it("keeps a still-valid access token when the server cannot refresh now, and retries later", async () => {
    let unavailable = true;
    const { clock, kibo, session } = setup({
      respond: ({ method }) =>
        method === "PUT" && unavailable
          ? kiboError(503, "SERVICE_UNAVAILABLE", "Try again later.")
          : undefined,
    });
    await session.signUp(signUpBody);
    clock.advance(30 * MINUTE - 30_000);
    expect(await session.accessToken()).toStrictEqual({ data: "access-1" });
    expect(session.state().status).toBe("active");
    clock.advance(30_000); // expired now: the failure is the answer
    const failed = await session.accessToken();
    expect(failed.error).toMatchObject({ status: 503 });
    unavailable = false;
    expect(await session.accessToken()).toStrictEqual({ data: "access-2" });
    expect(kibo.refreshes()).toHaveLength(3);
  });

  it("does not let a refresh answering after log-out bring the session back", async () => {
    const gate = createGate();
    const { clock, kibo, session } = setup({
      respond: async ({ method }) => {
        if (method === "PUT") await gate.opened;
        return undefined;
      },
    });
    await session.signUp(signUpBody);
    clock.advance(30 * MINUTE);
    const refreshing = session.accessToken();
    await Promise.resolve();
    await session.logOut();
    gate.release();
    expect((await refreshing).error).toMatchObject({ code: "NOT_LOGGED_IN" });
    expect(session.state()).toStrictEqual({ status: "signed-out" });
    expect(kibo.logOuts().map((r) => query(r, "refreshToken"))).toStrictEqual(["refresh-1"]);
  });

  it("keeps a log-in that asks for a second factor apart: no tokens, no calls", async () => {
    const { kibo, session } = setup({ twoFactorUsers: ["new-device@example.com"] });
    const result = await session.logIn({ username: "new-device@example.com", password: "pw" });
    expect(result.data?.requires2FA).toBe(true);
    const state = session.state();
    expect(state.status).toBe("requires2FA");
    if (state.status === "requires2FA") expect(state.ticket.accessToken).toBeNull();
    const before = kibo.requests.length;
    for (const answer of [
      await session.accessToken(),
      await session.ticket(),
      await session.readAccount(),
    ]) {
      expect(answer.error).toMatchObject({ name: "ShopperSessionError", code: "REQUIRES_2FA" });
    }
    expect(await session.logOut()).toStrictEqual({ data: undefined });
    expect(kibo.requests).toHaveLength(before);
  });

  it("leaves the session as it was when sign-up or log-in fails", async () => {
    let conflict = false;
    const { session } = setup({
      respond: ({ method, url }) =>
        conflict && method === "POST" && url.pathname.endsWith("/Add-Account-And-Login")
          ? kiboError(409, "VALIDATION_CONFLICT", "taken", [
              { name: "account.emailAddress", value: "taken" },
            ])
          : undefined,
    });
    await session.signUp(signUpBody);
    const before = session.state();
    conflict = true;
    const again = await session.signUp(signUpBody);
    expect(again.error?.status).toBe(409);
    expect(again.error?.body?.errorCode).toBe("VALIDATION_CONFLICT");
    expect(session.state()).toBe(before);
  });
});

describe("readAccount", () => {
  it("reads the shopper's own account with the shopper's JWT, not the app token", async () => {
    const { kibo, session } = setup();
    await session.signUp(signUpBody);
    const read = await session.readAccount({ responseFields: "id,emailAddress" });
    expect(read).toStrictEqual({
      data: { id: ACCOUNT_ID, userId: "u-1", emailAddress: "ada@example.com" },
    });
    const [request] = kibo.accountReads();
    expect(request?.headers.get("authorization")).toBe("Bearer jwt-1");
    expect(query(request, "responseFields")).toBe("id,emailAddress");
    expect(kibo.tokenRequests()).toHaveLength(1); // for the sign-up only
  });

  it("refreshes once and retries when the JWT is refused before its time", async () => {
    let refuseFirst = true;
    const { kibo, session } = setup({
      respond: ({ method, url }) => {
        if (method === "GET" && url.pathname.includes("/accounts/") && refuseFirst) {
          refuseFirst = false;
          return kiboError(401, "UNAUTHORIZED", "The shopper token is not valid.");
        }
        return undefined;
      },
    });
    await session.signUp(signUpBody);
    const read = await session.readAccount();
    expect(read.data?.id).toBe(ACCOUNT_ID);
    expect(kibo.accountReads().map((r) => r.headers.get("authorization"))).toStrictEqual([
      "Bearer jwt-1",
      "Bearer jwt-2",
    ]);
    expect(kibo.refreshes()).toHaveLength(1);
    // The middleware did not retry the shopper's 401 with the app token.
    expect(kibo.tokenRequests()).toHaveLength(1);
  });

  it("ends the session when the family was revoked elsewhere (refresh refused too)", async () => {
    const { kibo, session } = setup();
    await session.signUp(signUpBody);
    const family = kibo.families[0];
    if (family) family.revoked = true; // a log-out on another device, a detected reuse...
    const read = await session.readAccount();
    expect(read.error).toMatchObject({ status: 401, body: { errorCode: "UNAUTHORIZED" } });
    expect(session.state().status).toBe("ended");
    expect(kibo.accountReads()).toHaveLength(1);
    expect(kibo.refreshes()).toHaveLength(1);
  });
});
