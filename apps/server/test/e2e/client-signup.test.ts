// Issue 3 end to end: the published client (@kibo-auth/client, from packages/client/dist)
// against the built server in its own process on a real port. Every response the client
// receives is checked against openapi.yaml on the way in, and every exchange is recorded so
// that the tests can count what the client sent on its own (the app-token requests).
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, createClient, type KiboClient, toResult } from "@kibo-auth/client";
import { beforeAll, describe, expect, it } from "vitest";
import { builtServersIn, type ServerProcess, startServer } from "../support/server-process.js";
import { validatingFetch } from "../support/spec-validator.js";

const SIGN_UP = "/commerce/customer/accounts/Add-Account-And-Login";
const OAUTH_PATH = "/api/platform/applications/authtickets/oauth";
const APP_TOKEN_TTL_SECONDS = 3; // short, so that the test waits only seconds for the expiry
const app = { clientId: "storefront.client-e2e", sharedSecret: `shared-${randomUUID()}` };

interface Exchange {
  method: string;
  path: string;
  status: number;
  authorization: string | null;
  /** The error's message, for answers that are errors. */
  message: string | undefined;
}

/** validatingFetch() that also records what went out and what came back. */
function recordingFetch() {
  const validate = validatingFetch();
  const exchanges: Exchange[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const authorization = request.headers.get("authorization");
    const response = await validate(request);
    const message =
      response.status >= 400
        ? ((await response.clone().json()) as { message?: string }).message
        : undefined;
    const { pathname } = new URL(request.url);
    exchanges.push({
      method: request.method,
      path: pathname,
      status: response.status,
      authorization,
      message,
    });
    return response;
  };
  return {
    fetch,
    exchanges,
    tokenRequests: () => exchanges.filter((e) => e.path === OAUTH_PATH),
    calls: () => exchanges.filter((e) => e.path !== OAUTH_PATH),
  };
}

const shopper = (emailAddress = `client.${randomUUID()}@example.com`) => ({
  account: { emailAddress, firstName: "Ada", lastName: "Lovelace" },
  password: `pw-${randomUUID()}`,
});

describe("the client against the built server (SQLite)", () => {
  const dir = builtServersIn();
  let server: ServerProcess;
  const clientFor = (recorder: ReturnType<typeof recordingFetch>, now?: () => number) =>
    createClient({
      baseUrl: `${server.origin}/api`,
      clientId: app.clientId,
      sharedSecret: app.sharedSecret,
      fetch: recorder.fetch,
      tenantId: 1000,
      siteId: 2000,
      ...(now ? { now } : {}),
    });

  // A client whose clock runs at 1% of real speed: 4.5 real seconds are 0.045 s to it, so it still
  // believes its 3-second app token fresh when the server already refuses it as expired. (A
  // clock that is merely offset would not do: the client measures the lifetime on its own clock.)
  let lagging: { client: KiboClient; recorder: ReturnType<typeof recordingFetch> };
  let laggingTokenAt: number;

  beforeAll(async () => {
    server = await startServer({
      databaseUrl: join(dir(), "kibo-auth.sqlite"),
      env: {
        APP_CLIENT_ID: app.clientId,
        APP_SHARED_SECRET: app.sharedSecret,
        APP_TOKEN_TTL_SECONDS: String(APP_TOKEN_TTL_SECONDS),
      },
      name: "client e2e",
    });
    // Started here, so that its token ages while the other tests run.
    const recorder = recordingFetch();
    const start = Date.now();
    lagging = { recorder, client: clientFor(recorder, () => start + (Date.now() - start) / 100) };
    laggingTokenAt = Date.now();
    const first = await toResult(lagging.client.POST(SIGN_UP, { body: shopper() }));
    expect(first.status).toBe(200);
  }, 180_000);

  it("gets the app token by itself and signs a shopper up (200, a typed ticket)", async () => {
    const recorder = recordingFetch();
    const client = clientFor(recorder);
    const body = shopper();
    const result = await toResult(client.POST(SIGN_UP, { body }));
    if (result.error) throw result.error;
    expect(result.status).toBe(200);
    expect(result.correlationId).toBeTruthy();
    const ticket = result.data;
    expect(ticket.customerAccount.emailAddress).toBe(body.account.emailAddress);
    expect(ticket.customerAccount.id).toEqual(expect.any(Number));
    expect(ticket.accessToken).toEqual(expect.any(String));
    expect(ticket.jwtAccessToken?.split(".")).toHaveLength(3);
    expect(Date.parse(ticket.accessTokenExpiration)).toBeGreaterThan(Date.now());
    expect(ticket.requires2FA).toBe(false);

    // One token request, with no bearer token of its own; the sign-up carried its answer.
    expect(recorder.tokenRequests()).toMatchObject([{ status: 200, authorization: null }]);
    expect(recorder.calls()).toMatchObject([
      { method: "POST", status: 200, authorization: expect.stringMatching(/^Bearer ey/) },
    ]);
    // The same token serves the next call.
    expect((await toResult(client.POST(SIGN_UP, { body: shopper() }))).status).toBe(200);
    expect(recorder.tokenRequests()).toHaveLength(1);
  });

  it("answers an email address taken in another case with a typed 409 VALIDATION_CONFLICT", async () => {
    const client = clientFor(recordingFetch());
    const email = `Twin.${randomUUID()}@Example.com`;
    expect((await toResult(client.POST(SIGN_UP, { body: shopper(email) }))).status).toBe(200);

    const twin = await toResult(client.POST(SIGN_UP, { body: shopper(email.toLowerCase()) }));
    expect(twin.data).toBeUndefined();
    const error = twin.error;
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.status).toBe(409);
    expect(error?.body?.errorCode).toBe("VALIDATION_CONFLICT");
    expect(error?.body?.additionalErrorData).toEqual([
      { name: "account.emailAddress", value: expect.any(String) },
    ]);
    expect(error?.message).toMatch(/^409 VALIDATION_CONFLICT: /);
    // The correlation id is the response's header, and the server logged the request under it.
    const correlationId = error?.correlationId;
    expect(correlationId).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    expect(twin.response.headers.get("x-vol-correlation")).toBe(correlationId);
    await server.waitForLine((line) => line.includes(`"correlationId":"${correlationId}"`));
    expect(server.logs().find((entry) => entry.correlationId === correlationId)).toMatchObject({
      msg: "request",
      status: 409,
    });
  });

  it("sends responseFields percent-encoded and gets only the selected fields, nested", async () => {
    const recorder = recordingFetch();
    const client = clientFor(recorder);
    const base = shopper();
    const body = {
      ...base,
      account: {
        ...base.account,
        contacts: [{ email: "home@example.com", firstName: "Ada", label: "Home" }],
      },
    };
    const result = await toResult(
      client.POST(SIGN_UP, {
        body,
        params: {
          query: { responseFields: "accessToken,customerAccount(id,emailAddress,contacts(email))" },
        },
      }),
    );
    if (result.error) throw result.error;
    expect(Object.keys(result.data).sort()).toEqual(["accessToken", "customerAccount"]);
    expect(result.data.accessToken).toEqual(expect.any(String));
    expect(result.data.customerAccount).toEqual({
      id: expect.any(Number),
      emailAddress: body.account.emailAddress,
      contacts: [{ email: "home@example.com" }],
    });
    // Properties left out are typed but absent.
    expect(result.data.refreshToken).toBeUndefined();
  });

  it("survives an app token the server refuses as expired: one 401, a new token, the call sent again", {
    timeout: 120_000,
  }, async () => {
    const { client, recorder } = lagging;
    expect(recorder.tokenRequests()).toHaveLength(1);
    // Past the token's `exp` by the server's clock (exp is whole seconds after issue).
    const wait = laggingTokenAt + (APP_TOKEN_TTL_SECONDS + 1.5) * 1000 - Date.now();
    if (wait > 0) await sleep(wait);

    const body = shopper();
    const result = await toResult(client.POST(SIGN_UP, { body }));
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.data?.customerAccount.emailAddress).toBe(body.account.emailAddress);

    // The oauth operation was called twice: at the start, and after the server's refusal.
    expect(recorder.tokenRequests()).toHaveLength(2);
    const sent = recorder.calls().map((exchange) => exchange.authorization);
    expect(sent[1], "the refused call carried the first token").toBe(sent[0]);
    expect(sent[2], "the call sent again carried a new one").not.toBe(sent[0]);
    // The retry created the account once: the same address is now taken.
    const again = await toResult(client.POST(SIGN_UP, { body }));
    expect(again.error?.status).toBe(409);
  });
});
