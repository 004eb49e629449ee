import { describe, expect, it } from "vitest";
import { createClient } from "../src/create-client.js";
import { ADD_ACCOUNT_PATH, BASE_URL, createFakeKibo, ORIGIN } from "./helpers.js";

const body = { account: { emailAddress: "ada@example.com" }, password: "correct-horse-battery" };

describe("createClient", () => {
  it("sends x-vol-tenant and x-vol-site on calls when configured", async () => {
    const server = createFakeKibo();
    const client = createClient({
      baseUrl: BASE_URL,
      fetch: server.fetch,
      clientId: "app-1",
      sharedSecret: "s3cret",
      tenantId: 100,
      siteId: 200,
    });
    await client.POST(ADD_ACCOUNT_PATH, { body });
    const [call] = server.otherRequests();
    expect(call?.headers.get("x-vol-tenant")).toBe("100");
    expect(call?.headers.get("x-vol-site")).toBe("200");
    expect(call?.headers.get("authorization")).toBe("Bearer app-token-1");
  });

  it("lets a call's own header parameters win over the configured tenant and site", async () => {
    const server = createFakeKibo();
    const client = createClient({ baseUrl: BASE_URL, fetch: server.fetch, tenantId: 100 });
    await client.POST(ADD_ACCOUNT_PATH, {
      body,
      params: { header: { "x-vol-tenant": 101, "x-vol-site": 201 } },
    });
    const [call] = server.requests;
    expect(call?.headers.get("x-vol-tenant")).toBe("101");
    expect(call?.headers.get("x-vol-site")).toBe("201");
  });

  it("sends neither tenant, site nor bearer token when none is configured", async () => {
    const server = createFakeKibo();
    const client = createClient({
      baseUrl: BASE_URL,
      fetch: server.fetch,
      headers: { "x-vol-correlation": "my-request" },
    });
    const { error, response } = await client.POST(ADD_ACCOUNT_PATH, { body });
    expect(response.status).toBe(401);
    expect(error?.errorCode).toBe("UNAUTHORIZED");
    const [call] = server.requests;
    expect(server.requests).toHaveLength(1);
    expect(call?.headers.has("x-vol-tenant")).toBe(false);
    expect(call?.headers.has("x-vol-site")).toBe(false);
    expect(call?.headers.has("authorization")).toBe(false);
    expect(call?.headers.get("x-vol-correlation")).toBe("my-request");
  });

  it("percent-encodes responseFields in the query string, as Kibo clients do", async () => {
    const server = createFakeKibo();
    const client = createClient({ baseUrl: BASE_URL, fetch: server.fetch });
    await client.POST(ADD_ACCOUNT_PATH, {
      body,
      params: { query: { responseFields: "accessToken,customerAccount(id,emailAddress)" } },
    });
    const [call] = server.requests;
    expect(call?.url.pathname).toBe(`/api${ADD_ACCOUNT_PATH}`);
    // encodeURIComponent: commas travel as %2C; parentheses are unreserved and stay as they are.
    expect(call?.url.search).toBe(
      "?responseFields=accessToken%2CcustomerAccount(id%2CemailAddress)",
    );
    expect(call?.url.searchParams.get("responseFields")).toBe(
      "accessToken,customerAccount(id,emailAddress)",
    );
  });

  it.each([
    { given: { baseUrl: `${ORIGIN}/api` }, want: `${ORIGIN}/healthz` },
    { given: { baseUrl: `${ORIGIN}/api/` }, want: `${ORIGIN}/healthz` },
    { given: { baseUrl: `${ORIGIN}/kibo/api` }, want: `${ORIGIN}/kibo/healthz` },
    { given: { baseUrl: `${ORIGIN}/v1` }, want: `${ORIGIN}/healthz` },
    {
      given: { baseUrl: `${ORIGIN}/api`, rootUrl: "http://probe.test" },
      want: "http://probe.test/healthz",
    },
  ])(
    "serves the root-level operations at the site root ($given.baseUrl)",
    async ({ given, want }) => {
      const server = createFakeKibo();
      const client = createClient({
        ...given,
        fetch: server.fetch,
        clientId: "a",
        sharedSecret: "b",
      });
      const { data } = await client.root.GET("/healthz");
      expect(data?.status).toBe("ok");
      expect(server.requests.map((r) => r.url.href)).toStrictEqual([want]);
      // The probes are public: no token was asked for or sent.
      expect(server.requests[0]?.headers.has("authorization")).toBe(false);
    },
  );

  it("reaches every root-level operation without /api", async () => {
    const server = createFakeKibo();
    const client = createClient({ baseUrl: BASE_URL, fetch: server.fetch });
    await client.root.GET("/readyz");
    await client.root.GET("/.well-known/jwks.json");
    expect(server.requests.map((r) => r.url.pathname)).toStrictEqual([
      "/readyz",
      "/.well-known/jwks.json",
    ]);
  });

  it("refuses a client id without a shared secret, and the reverse", () => {
    expect(() => createClient({ baseUrl: BASE_URL, clientId: "app-1" })).toThrow(TypeError);
    expect(() => createClient({ baseUrl: BASE_URL, sharedSecret: "s3cret" })).toThrow(TypeError);
  });

  it("refuses a relative baseUrl without /api when it cannot tell the site root", () => {
    expect(() => createClient({ baseUrl: "/v1" })).toThrow(/rootUrl/);
    expect(() => createClient({ baseUrl: "/v1", rootUrl: "" })).not.toThrow();
  });
});
