// A path that has operations, but none for the request's method, answers 405 with an Allow
// header naming the methods it has, before any token is checked; a path with no operation
// still answers 404. Every answer is checked against openapi.yaml by `call`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/databases.js";
import {
  countAccounts,
  createTestApp,
  readJson,
  signUpBody,
  type TestApp,
} from "../support/test-app.js";

const SIGN_UP = "/api/commerce/customer/accounts/Add-Account-And-Login";

describe.each(DIALECTS)("a method the path lacks, on %s", (dialect) => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    token = await t.appToken();
  });
  afterAll(() => t.close());
  const withAndWithoutToken = (): Record<string, string>[] => [
    {},
    { authorization: `Bearer ${token}` },
  ];

  /** The 405's Allow header and errorCode, after checking it carries Kibo's error body. */
  const refused = async (response: Response) => {
    expect(response.status).toBe(405);
    expect(response.headers.get("x-vol-correlation")).toBeTruthy();
    const body = await readJson(response);
    expect(body.message).toContain(response.headers.get("allow"));
    return { allow: response.headers.get("allow"), errorCode: body.errorCode };
  };

  it("answers 405 naming the sign-up path's one method, with or without a token, and creates nothing", async () => {
    const before = await countAccounts(t.db);
    for (const method of ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      for (const headers of withAndWithoutToken()) {
        const init =
          method === "GET" ? { method, headers } : { method, headers, json: signUpBody() };
        const response = await t.call(SIGN_UP, init);
        // Not GET: the fixed path comes before GET /accounts/{accountId}, as OpenAPI has it.
        expect(await refused(response), method).toEqual({
          allow: "POST",
          errorCode: "METHOD_NOT_ALLOWED",
        });
      }
    }
    expect(await countAccounts(t.db)).toBe(before);
  });

  it("matches the path as the operations do: in any case, with one trailing slash", async () => {
    const response = await t.call(`${SIGN_UP.toLowerCase()}/`, { method: "DELETE" });
    expect((await refused(response)).allow).toBe("POST");
  });

  it("matches a percent-escaped path as the operation it decodes to", async () => {
    const escaped = SIGN_UP.replace("Add-Account", "Add%2DAccount");
    const response = await t.call(escaped, { method: "PUT" });
    expect((await refused(response)).allow).toBe("POST");
    const signUp = await t.call(escaped, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      json: signUpBody(),
    });
    expect(signUp.status).toBe(200);
  });

  it("names each path's own methods, and HEAD with GET", async () => {
    const cases: [string, string, string][] = [
      ["POST", "/healthz", "GET, HEAD"],
      ["DELETE", "/readyz", "GET, HEAD"],
      ["POST", "/api/commerce/customer/accounts/12", "GET, HEAD"],
      ["GET", "/api/commerce/customer/authtickets", "POST, DELETE"],
      ["POST", "/api/commerce/customer/authtickets/refresh", "PUT"],
      ["GET", "/api/platform/applications/authtickets/oauth", "POST"],
      ["PUT", `/api/platform/tenants/${t.config.tenant.id}`, "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const response = await t.call(path, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
      expect((await refused(response)).allow, `${method} ${path}`).toBe(allow);
    }
  });

  it("answers HEAD as GET: 405 without a body where the path has no GET", async () => {
    const response = await t.call("/api/commerce/customer/authtickets/refresh", {
      method: "HEAD",
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("PUT");
    expect(await response.text()).toBe("");
    expect((await t.call("/healthz", { method: "HEAD" })).status).toBe(200);
  });

  it("leaves every operation's own method to the operation", async () => {
    const signUp = await t.call(SIGN_UP, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      json: signUpBody(),
    });
    expect(signUp.status).toBe(200);
    const { customerAccount } = await readJson(signUp);
    const account = await t.call(`/api/commerce/customer/accounts/${customerAccount.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(account.status).toBe(200);
    // Any other segment is still an account id, refused as one.
    const notAnId = await t.call("/api/commerce/customer/accounts/abc", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(notAnId.status).toBe(400);
    // Without a token, the operation's own 401, not a 405.
    expect((await t.call(SIGN_UP, { method: "POST", json: signUpBody() })).status).toBe(401);
  });

  it("still answers 404 where the path has no operation at all, with or without a token", async () => {
    for (const path of [
      "/no/such/route",
      "/api/commerce/customer/accountz",
      "/api/platform/tenants/1000/sites",
    ]) {
      for (const headers of withAndWithoutToken()) {
        const response = await t.call(path, { method: "PUT", headers });
        expect(response.status, path).toBe(404);
        expect(response.headers.get("allow")).toBeNull();
        expect((await readJson(response)).errorCode).toBe("ITEM_NOT_FOUND");
      }
    }
  });

  it("takes no empty segment for a path parameter: /accounts/ is no account's path", async () => {
    for (const [method, path] of [
      ["POST", "/api/commerce/customer/accounts/"],
      ["GET", "/api/commerce/customer/accounts/"],
      ["POST", "/api/commerce/customer/accounts//"],
      ["PUT", "/api/platform/tenants/"],
    ] as const) {
      const response = await t.call(path, {
        method,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get("allow")).toBeNull();
    }
  });

  it("leaves Hono its fastest router (405 routes beside the operations' made it fall back)", async () => {
    await t.call("/healthz");
    const router = t.app.router as { activeRouter?: { name: string } };
    expect(router.activeRouter?.name).toBe("RegExpRouter");
  });

  it("logs the 405 as one request line, with its status", async () => {
    const response = await t.call("/healthz", { method: "POST" });
    const correlationId = response.headers.get("x-vol-correlation");
    const line = t.logs.find((each) => each.includes(`"correlationId":"${correlationId}"`));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ msg: "request", method: "POST", status: 405 });
  });
});
