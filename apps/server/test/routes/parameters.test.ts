// Query, path and header parameters are validated against the route's schemas before any work
// (mountOperation): each refusal is a 400 naming the parameter, and nothing is created.
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

describe.each(DIALECTS)("parameter validation on %s", (dialect) => {
  let t: TestApp;
  let token: string;
  const get = (path: string, headers: Record<string, string> = {}) =>
    t.call(path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const refusal = async (response: Response) => {
    expect(response.status).toBe(400);
    const body = await readJson(response);
    expect(body.errorCode).toBe("MISSING_OR_INVALID_PARAMETER");
    return (body.additionalErrorData as { name: string }[]).map((item) => item.name);
  };
  beforeAll(async () => {
    t = await createTestApp(dialect);
    token = await t.appToken();
  });
  afterAll(() => t.close());

  it("accepts valid parameters", async () => {
    const tenantId = t.config.tenant.id;
    expect((await get(`/api/platform/tenants/${tenantId}?responseFields=id`)).status).toBe(200);
  });

  it("names a path parameter that is not a positive int32", async () => {
    for (const value of ["abc", "0", "-4", "2147483648", "1.5"]) {
      expect(await refusal(await get(`/api/platform/tenants/${value}`))).toEqual([
        "param.tenantId",
      ]);
    }
    expect(await refusal(await get("/api/commerce/customer/accounts/twelve"))).toEqual([
      "param.accountId",
    ]);
  });

  it("names a query parameter that is too long, or given twice", async () => {
    const tenant = `/api/platform/tenants/${t.config.tenant.id}`;
    expect(await refusal(await get(`${tenant}?responseFields=${"a".repeat(2001)}`))).toEqual([
      "query.responseFields",
    ]);
    expect(await refusal(await get(`${tenant}?responseFields=id&responseFields=name`))).toEqual([
      "query.responseFields",
    ]);
  });

  it("names a missing required query parameter", async () => {
    const response = await t.call("/api/commerce/customer/authtickets/refresh", {
      method: "PUT",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await refusal(response)).toEqual(["query.refreshToken"]);
  });

  it("names a header that is not an int32", async () => {
    // With an application token, x-vol-site must match the token's site (401 otherwise); a
    // shopper's token names no site, so the header reaches validation.
    const signUp = await t.call(SIGN_UP, {
      method: "POST",
      json: signUpBody(),
      headers: { authorization: `Bearer ${token}` },
    });
    const ticket = await readJson(signUp);
    const response = await t.call(`/api/commerce/customer/accounts/${ticket.customerAccount.id}`, {
      headers: { authorization: `Bearer ${ticket.jwtAccessToken}`, "x-vol-site": "not-a-number" },
    });
    expect(await refusal(response)).toEqual(["header.x-vol-site"]);
  });

  it("checks parameters before the body: both wrong, the parameter is named", async () => {
    const response = await t.call(`${SIGN_UP}?responseFields=${"a".repeat(2001)}`, {
      method: "POST",
      json: { account: "not an object" },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await refusal(response)).toEqual(["query.responseFields"]);
  });

  it("creates no account when a parameter is refused", async () => {
    const before = await countAccounts(t.db);
    const response = await t.call(`${SIGN_UP}?responseFields=id&responseFields=userId`, {
      method: "POST",
      json: signUpBody(),
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await refusal(response)).toEqual(["query.responseFields"]);
    expect(await countAccounts(t.db)).toBe(before);
  });
});
