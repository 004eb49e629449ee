import { describe, expect, it } from "vitest";
import { createClient } from "../src/create-client.js";
import { toResult } from "../src/result.js";
import {
  ADD_ACCOUNT_PATH,
  BASE_URL,
  bearerRefusal,
  createClock,
  createFakeKibo,
  createGate,
  type FakeKiboOptions,
  kiboError,
} from "./helpers.js";

const body = {
  account: { emailAddress: "ada@example.com", firstName: "Ada" },
  password: "correct-horse-battery-staple",
};

function setup(options: FakeKiboOptions = {}) {
  const server = createFakeKibo(options);
  const clock = createClock();
  const client = createClient({
    baseUrl: BASE_URL,
    fetch: server.fetch,
    clientId: "app-1",
    sharedSecret: "s3cret",
    now: clock.now,
  });
  return { server, clock, client };
}

const bearerOf = (request: { headers: Headers } | undefined) =>
  request?.headers.get("authorization");

describe("application auth", () => {
  it("obtains the token once and sends it as a bearer token on every call", async () => {
    const { server, client } = setup();
    const first = await client.POST(ADD_ACCOUNT_PATH, { body });
    const second = await client.GET("/platform/tenants/{tenantId}", {
      params: { path: { tenantId: 1 } },
    });
    expect(first.response.status).toBe(200);
    expect(second.response.status).toBe(200);
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.otherRequests().map(bearerOf)).toStrictEqual([
      "Bearer app-token-1",
      "Bearer app-token-1",
    ]);
  });

  it("obtains a new token once the old one is about to expire", async () => {
    const { server, clock, client } = setup({ expiresIn: 3600 });
    await client.POST(ADD_ACCOUNT_PATH, { body });
    clock.advance(3600 * 1000 - 29_000); // 29 s before expiry: inside the 30 s skew
    await client.POST(ADD_ACCOUNT_PATH, { body });
    expect(server.tokenRequests()).toHaveLength(2);
    expect(server.otherRequests().map(bearerOf)).toStrictEqual([
      "Bearer app-token-1",
      "Bearer app-token-2",
    ]);
  });

  it("makes concurrent first calls share one token request", async () => {
    const gate = createGate();
    const { server, client } = setup({
      respond: async ({ url }) => {
        if (url.pathname.endsWith("/oauth")) await gate.opened;
        return undefined;
      },
    });
    const calls = Promise.all([
      client.POST(ADD_ACCOUNT_PATH, { body }),
      client.POST(ADD_ACCOUNT_PATH, { body }),
      client.GET("/platform/tenants/{tenantId}", { params: { path: { tenantId: 1 } } }),
    ]);
    gate.release();
    const results = await calls;
    expect(results.map((r) => r.response.status)).toStrictEqual([200, 200, 200]);
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it("does not send a bearer token to the oauth operation itself", async () => {
    const { server, client } = setup();
    const { data } = await client.POST("/platform/applications/authtickets/oauth", {
      body: { client_id: "app-1", client_secret: "s3cret", grant_type: "client_credentials" },
    });
    expect(data?.access_token).toBe("app-token-1");
    expect(server.requests).toHaveLength(1);
    expect(bearerOf(server.requests[0])).toBeNull();
  });

  it("does not send a bearer token to the older SDKs' ticket exchanges either", async () => {
    const ticket = {
      accessToken: "old-sdk-token",
      accessTokenExpiration: "2030-01-01T01:00:00.000Z",
      refreshToken: "old-sdk-refresh",
      refreshTokenExpiration: "2030-01-31T00:00:00.000Z",
    };
    const { server, client } = setup({ respond: () => Response.json(ticket) });
    const created = await client.POST("/platform/applications/authtickets", {
      body: { applicationId: "app-1", sharedSecret: "s3cret" },
    });
    const refreshed = await client.PUT("/platform/applications/authtickets/refresh-ticket", {
      body: { refreshToken: "old-sdk-refresh" },
    });
    expect([created.data, refreshed.data]).toEqual([ticket, ticket]);
    expect(server.requests.map((request) => request.url.pathname)).toEqual([
      "/api/platform/applications/authtickets",
      "/api/platform/applications/authtickets/refresh-ticket",
    ]);
    expect(server.requests.map(bearerOf)).toEqual([null, null]);
  });

  it("answers a refused token with a fresh token and exactly one retry of the same body", async () => {
    const { server, client } = setup();
    await client.POST(ADD_ACCOUNT_PATH, { body });
    server.revoke("app-token-1");

    const result = await toResult(
      client.POST(ADD_ACCOUNT_PATH, { body, params: { query: { responseFields: "userId" } } }),
    );

    expect(result.data?.userId).toBe("u-1");
    const [, refused, retried] = server.otherRequests();
    expect(bearerOf(refused)).toBe("Bearer app-token-1");
    expect(bearerOf(retried)).toBe("Bearer app-token-2");
    expect(retried?.body).toBe(JSON.stringify(body));
    expect(retried?.body).toBe(refused?.body);
    expect(retried?.url.href).toBe(refused?.url.href);
    expect(retried?.headers.get("content-type")).toBe("application/json");
    expect(server.otherRequests()).toHaveLength(3);
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("returns a second 401 as a typed error instead of retrying again", async () => {
    const { server, client } = setup({
      respond: ({ url }) =>
        url.pathname.endsWith("/Add-Account-And-Login")
          ? bearerRefusal("The token belongs to another tenant")
          : undefined,
    });

    const result = await toResult(client.POST(ADD_ACCOUNT_PATH, { body }));

    expect(result.error).toMatchObject({
      status: 401,
      body: { errorCode: "UNAUTHORIZED", message: "The token belongs to another tenant" },
      correlationId: "corr-4", // token, call, token, retry
    });
    expect(server.otherRequests()).toHaveLength(2);
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("answers a call with the oauth operation's error when the credentials are refused", async () => {
    const { server, client } = setup({
      respond: ({ url }) =>
        url.pathname.endsWith("/oauth")
          ? kiboError(401, "UNAUTHORIZED", "Unknown client id or wrong shared secret")
          : undefined,
    });

    const result = await toResult(client.POST(ADD_ACCOUNT_PATH, { body }));

    expect(result.error).toMatchObject({
      status: 401,
      body: { errorCode: "UNAUTHORIZED", message: "Unknown client id or wrong shared secret" },
      correlationId: "corr-1",
    });
    expect(server.otherRequests()).toHaveLength(0);
  });

  it("lets a network failure reject the call", async () => {
    const client = createClient({
      baseUrl: BASE_URL,
      clientId: "app-1",
      sharedSecret: "s3cret",
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    await expect(client.POST(ADD_ACCOUNT_PATH, { body })).rejects.toThrow("fetch failed");
  });

  it("keeps auth innermost, so the caller's middleware sees the answer to the retry", async () => {
    const { server, client } = setup();
    await client.POST(ADD_ACCOUNT_PATH, { body });
    server.revoke("app-token-1");
    const seen: number[] = [];
    client.use({
      onRequest: ({ request }) => new Request(request, { headers: { "x-trace": "t-1" } }),
      onResponse: ({ response }) => {
        seen.push(response.status);
      },
    });

    const { response } = await client.POST(ADD_ACCOUNT_PATH, { body });

    expect(response.status).toBe(200);
    expect(seen).toStrictEqual([200]);
    expect(server.otherRequests().map((r) => r.headers.get("x-trace"))).toStrictEqual([
      null,
      "t-1",
      "t-1",
    ]);
  });
});
