// Compile-time proof that calls are typed by the spec: each `@ts-expect-error` sits on the one
// line that must fail, so an error anywhere else in the expression still breaks the build.
import { assertType, describe, expectTypeOf, it } from "vitest";
import { createClient } from "../src/create-client.js";
import { type ApiError, type KiboError, toResult } from "../src/result.js";

const client = createClient({
  baseUrl: "http://127.0.0.1:8080/api",
  clientId: "app-1",
  sharedSecret: "s3cret",
});
const ADD_ACCOUNT = "/commerce/customer/accounts/Add-Account-And-Login";
const account = { emailAddress: "ada@example.com" };

describe("request types", () => {
  it("accept a valid sign-up with responseFields and Kibo headers", () => {
    assertType(
      client.POST(ADD_ACCOUNT, {
        body: { account, password: "correct-horse-battery", authTicketTtlMinutes: 30 },
        params: {
          query: { responseFields: "accessToken,customerAccount(id)" },
          header: { "x-vol-tenant": 1, "x-vol-site": 2 },
        },
      }),
    );
  });

  it("reject a misspelled body field", () => {
    assertType(
      client.POST(ADD_ACCOUNT, {
        body: {
          account,
          // @ts-expect-error `pasword` is not a field of CustomerAccountAndAuthInfo
          pasword: "correct-horse-battery",
        },
      }),
    );
  });

  it("reject a misspelled nested field", () => {
    assertType(
      client.POST(ADD_ACCOUNT, {
        body: {
          account: {
            emailAddress: "ada@example.com",
            // @ts-expect-error `firstNme` is not a field of CustomerAccount
            firstNme: "Ada",
          },
        },
      }),
    );
  });

  it("reject a wrongly typed body field", () => {
    assertType(
      client.POST(ADD_ACCOUNT, {
        body: {
          account,
          // @ts-expect-error authTicketTtlMinutes is an int32, not a string
          authTicketTtlMinutes: "30",
        },
      }),
    );
  });

  it("reject a body without the required account", () => {
    assertType(
      client.POST(ADD_ACCOUNT, {
        // @ts-expect-error `account` is required
        body: { password: "correct-horse-battery" },
      }),
    );
  });

  it("reject an unknown query parameter", () => {
    assertType(
      client.POST(ADD_ACCOUNT, {
        body: { account },
        params: {
          query: {
            // @ts-expect-error the parameter is `responseFields`
            responseField: "accessToken",
          },
        },
      }),
    );
  });

  it("reject a wrongly typed header parameter", () => {
    assertType(
      client.POST(ADD_ACCOUNT, {
        body: { account },
        params: {
          header: {
            // @ts-expect-error x-vol-tenant is an int32
            "x-vol-tenant": "one",
          },
        },
      }),
    );
  });

  it("require the path parameter of a tenant read", () => {
    assertType(client.GET("/platform/tenants/{tenantId}", { params: { path: { tenantId: 1 } } }));
    assertType(
      // @ts-expect-error `params.path.tenantId` is required
      client.GET("/platform/tenants/{tenantId}"),
    );
  });

  // The path sits on a line of its own, with options given, so that the expected error is the
  // path's and not a missing-argument error of the call.
  it("reject an unknown path", () => {
    assertType(
      client.POST(
        // @ts-expect-error no such operation in the spec
        "/commerce/customer/accounts/Add-Account",
        { body: { account } },
      ),
    );
  });

  it("reject a path with the wrong method", () => {
    assertType(
      client.GET(
        // @ts-expect-error Add-Account-And-Login is a POST
        ADD_ACCOUNT,
        {},
      ),
    );
  });

  it("keep root-level operations off the /api client and on client.root", () => {
    assertType(client.root.GET("/healthz"));
    assertType(client.root.GET("/readyz"));
    assertType(client.root.GET("/.well-known/jwks.json"));
    assertType(
      client.GET(
        // @ts-expect-error /healthz is served at the site root, not under /api
        "/healthz",
        {},
      ),
    );
    assertType(
      client.root.POST(
        // @ts-expect-error the root client serves only root-level operations
        ADD_ACCOUNT,
        { body: { account } },
      ),
    );
  });
});

describe("response types", () => {
  it("type the sign-up answer as a CustomerAuthTicket", async () => {
    const { data } = await client.POST(ADD_ACCOUNT, { body: { account } });
    if (data) {
      expectTypeOf(data.accessTokenExpiration).toEqualTypeOf<string>();
      expectTypeOf(data.customerAccount.id).toEqualTypeOf<number | undefined>();
      expectTypeOf(data.requires2FA).toEqualTypeOf<boolean>();
    }
  });

  it("reject reading a property the answer lacks", async () => {
    const { data } = await client.POST(ADD_ACCOUNT, { body: { account } });
    if (data) {
      // @ts-expect-error a CustomerAuthTicket has `accessToken`, not `access_token`
      assertType<string>(data.access_token);
    }
  });

  it("type the token exchange in snake_case", async () => {
    const { data } = await client.POST("/platform/applications/authtickets/oauth", {
      body: { client_id: "a", client_secret: "b", grant_type: "client_credentials" },
    });
    expectTypeOf(data?.expires_in).toEqualTypeOf<number | undefined>();
    // @ts-expect-error the answer is snake_case: `expires_in`
    assertType(data?.expiresIn);
  });

  it("type openapi-fetch's own error as the Kibo error body", async () => {
    const { error } = await client.POST(ADD_ACCOUNT, { body: { account } });
    expectTypeOf(error).toEqualTypeOf<KiboError | undefined>();
  });
});

describe("toResult", () => {
  it("narrows to data or a typed ApiError", async () => {
    const result = await toResult(client.POST(ADD_ACCOUNT, { body: { account } }));
    if (result.error) {
      expectTypeOf(result.error).toEqualTypeOf<ApiError<KiboError>>();
      expectTypeOf(result.error.status).toEqualTypeOf<number>();
      expectTypeOf(result.error.correlationId).toEqualTypeOf<string | undefined>();
      expectTypeOf(result.error.body?.errorCode).toEqualTypeOf<
        KiboError["errorCode"] | undefined
      >();
      // @ts-expect-error data is absent when error is set
      assertType<object>(result.data);
    } else {
      expectTypeOf(result.data.refreshToken).toEqualTypeOf<string | null>();
    }
  });

  it("types the readiness probe's 503 body as a HealthStatus", async () => {
    const result = await toResult(client.root.GET("/readyz"));
    if (result.error) {
      expectTypeOf(result.error.body?.status).toEqualTypeOf<"ok" | "unavailable" | undefined>();
    }
  });
});
