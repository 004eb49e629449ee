// A call's own Authorization header (a shopper's token) against the app-token middleware: it
// wins, and its 401 is the caller's answer, never retried with the application's token.
import { describe, expect, it } from "vitest";
import { createClient } from "../src/create-client.js";
import { BASE_URL, bearerRefusal, createFakeKibo, kiboError } from "./helpers.js";

const ACCOUNT = "/commerce/customer/accounts/{accountId}";
const params = { path: { accountId: 1000 } };

describe("a call's own Authorization", () => {
  it("is sent as it is, with no app token fetched for it", async () => {
    const server = createFakeKibo({ respond: () => Response.json({ id: 1000 }) });
    const client = createClient({
      baseUrl: BASE_URL,
      fetch: server.fetch,
      clientId: "app-1",
      sharedSecret: "s3cret",
    });
    const { data } = await client.GET(ACCOUNT, {
      params,
      headers: { Authorization: "Bearer shopper-jwt" },
    });
    expect(data?.id).toBe(1000);
    expect(server.requests.map((r) => r.headers.get("authorization"))).toStrictEqual([
      "Bearer shopper-jwt",
    ]);
    expect(server.tokenRequests()).toHaveLength(0);
  });

  it("answers its 401 as it came: no retry with the app token", async () => {
    const server = createFakeKibo({
      respond: ({ url }) =>
        url.pathname.includes("/accounts/")
          ? kiboError(401, "UNAUTHORIZED", "The shopper token is not valid.")
          : undefined,
    });
    const client = createClient({
      baseUrl: BASE_URL,
      fetch: server.fetch,
      clientId: "app-1",
      sharedSecret: "s3cret",
    });
    const { error, response } = await client.GET(ACCOUNT, {
      params,
      headers: { authorization: "Bearer revoked-jwt" },
    });
    expect(response.status).toBe(401);
    expect(error?.message).toBe("The shopper token is not valid.");
    expect(server.requests).toHaveLength(1);
  });

  it("does not come from the client-wide headers when the client holds credentials", async () => {
    const server = createFakeKibo();
    const client = createClient({
      baseUrl: BASE_URL,
      fetch: server.fetch,
      clientId: "app-1",
      sharedSecret: "s3cret",
      headers: { Authorization: "Bearer stale", "x-vol-correlation": "kept" },
    });
    const { response } = await client.GET("/platform/tenants/{tenantId}", {
      params: { path: { tenantId: 1 } },
    });
    expect(response.status).toBe(200);
    const [call] = server.otherRequests();
    expect(call?.headers.get("authorization")).toBe("Bearer app-token-1");
    expect(call?.headers.get("x-vol-correlation")).toBe("kept");
  });

  it("is the client-wide header when the client holds no credentials", async () => {
    const server = createFakeKibo();
    const client = createClient({
      baseUrl: BASE_URL,
      fetch: server.fetch,
      headers: { Authorization: "Bearer mine" },
    });
    await client.GET("/platform/tenants/{tenantId}", { params: { path: { tenantId: 1 } } });
    expect(server.requests[0]?.headers.get("authorization")).toBe("Bearer mine");
  });
});

describe("a 401 from log-in or refresh", () => {
  const LOG_IN = "/commerce/customer/authtickets";
  const REFRESH = "/commerce/customer/authtickets/refresh";

  function setup(messages: string[]) {
    const server = createFakeKibo({
      respond: ({ url }) => {
        if (url.pathname.endsWith("/oauth")) return undefined;
        const message = messages.shift();
        if (!message) return undefined;
        // As the server does: only a refused bearer token carries the invalid_token challenge.
        return /application token/.test(message)
          ? bearerRefusal(message)
          : kiboError(401, "UNAUTHORIZED", message);
      },
    });
    const client = createClient({
      baseUrl: BASE_URL,
      fetch: server.fetch,
      clientId: "app-1",
      sharedSecret: "s3cret",
    });
    return { server, client };
  }

  it("is not sent again when the password was refused: one failed log-in, not two", async () => {
    const { server, client } = setup(["The user name or password is not valid."]);
    const { response, error } = await client.POST(LOG_IN, {
      body: { username: "ada@example.com", password: "wrong" },
    });
    expect(response.status).toBe(401);
    expect(error?.message).toBe("The user name or password is not valid.");
    expect(server.otherRequests()).toHaveLength(1);
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it("is not sent again when the refresh token was refused", async () => {
    const { server, client } = setup(["The refresh token is not valid."]);
    const { response } = await client.PUT(REFRESH, {
      params: { query: { refreshToken: "revoked" } },
    });
    expect(response.status).toBe(401);
    expect(server.otherRequests()).toHaveLength(1);
  });

  it("is sent again with a new app token when the app token was refused", async () => {
    const { server, client } = setup(["The application token has expired."]);
    const { response } = await client.POST(LOG_IN, {
      body: { username: "ada@example.com", password: "right" },
    });
    expect(response.status).toBe(200);
    expect(server.otherRequests().map((r) => r.headers.get("authorization"))).toStrictEqual([
      "Bearer app-token-1",
      "Bearer app-token-2",
    ]);
  });
});
