// Compile-time proof for the shopper-session operations, raw and through createShopperSession:
// each `@ts-expect-error` sits on the one line that must fail.
import { assertType, describe, expectTypeOf, it } from "vitest";
import { createClient } from "../src/create-client.js";
import { ApiError, type KiboError, toResult } from "../src/result.js";
import {
  type ActiveTicket,
  type CustomerAccount,
  type CustomerAuthTicket,
  createShopperSession,
  ShopperSessionError,
  type ShopperSessionErrorCode,
} from "../src/shopper-session.js";

const client = createClient({
  baseUrl: "http://127.0.0.1:8080/api",
  clientId: "app-1",
  sharedSecret: "s3cret",
});
const session = createShopperSession(client);

describe("the session operations on the raw client", () => {
  it("type log-in: username and password required, a CustomerAuthTicket back", async () => {
    const result = await toResult(
      client.POST("/commerce/customer/authtickets", {
        body: { username: "ada@example.com", password: "pw", fingerprint: "browser-1" },
      }),
    );
    if (!result.error) expectTypeOf(result.data).toEqualTypeOf<CustomerAuthTicket>();
    assertType(
      client.POST("/commerce/customer/authtickets", {
        // @ts-expect-error `password` is required
        body: { username: "ada@example.com" },
      }),
    );
    assertType(
      client.POST("/commerce/customer/authtickets", {
        body: {
          password: "pw",
          // @ts-expect-error the field is `username`, not `userName`
          userName: "ada@example.com",
        },
      }),
    );
  });

  it("type refresh: a PUT whose refreshToken is a required query parameter", async () => {
    const result = await toResult(
      client.PUT("/commerce/customer/authtickets/refresh", {
        params: { query: { refreshToken: "r", accountId: 1000 } },
      }),
    );
    if (!result.error) expectTypeOf(result.data).toEqualTypeOf<CustomerAuthTicket>();
    assertType(
      client.PUT("/commerce/customer/authtickets/refresh", {
        // @ts-expect-error `refreshToken` is required
        params: { query: { accountId: 1000 } },
      }),
    );
    assertType(
      client.POST(
        // @ts-expect-error refresh is a PUT
        "/commerce/customer/authtickets/refresh",
        { params: { query: { refreshToken: "r" } } },
      ),
    );
  });

  it("type the account read: a path parameter, an account back, any Authorization header", async () => {
    const result = await toResult(
      client.GET("/commerce/customer/accounts/{accountId}", {
        params: { path: { accountId: 1000 }, query: { responseFields: "id" } },
        headers: { Authorization: "Bearer <jwtAccessToken>" },
      }),
    );
    if (!result.error) expectTypeOf(result.data).toEqualTypeOf<CustomerAccount>();
    assertType(
      client.GET("/commerce/customer/accounts/{accountId}", {
        // @ts-expect-error accountId is an int32
        params: { path: { accountId: "1000" } },
      }),
    );
  });

  it("type log-out: a DELETE with no body in the answer", async () => {
    const result = await toResult(
      client.DELETE("/commerce/customer/authtickets", {
        params: { query: { refreshToken: "r" } },
      }),
    );
    if (!result.error) expectTypeOf(result.data).toEqualTypeOf<undefined>();
    else expectTypeOf(result.error).toEqualTypeOf<ApiError<KiboError>>();
    // @ts-expect-error `params.query.refreshToken` is required
    assertType(client.DELETE("/commerce/customer/authtickets", {}));
  });
});

describe("createShopperSession", () => {
  it("checks sign-up and log-in bodies as the raw operations do", () => {
    assertType(session.signUp({ account: { emailAddress: "a@example.com" }, password: "pw" }));
    // @ts-expect-error `account` is required
    assertType(session.signUp({ password: "pw" }));
    assertType(
      session.logIn({
        username: "a@example.com",
        password: "pw",
        // @ts-expect-error not a field of CustomerUserAuthInfo
        remember: true,
      }),
    );
  });

  it("narrows the state: only an active session holds non-null tokens", () => {
    const state = session.state();
    if (state.status === "active") {
      expectTypeOf(state.ticket).toEqualTypeOf<ActiveTicket>();
      expectTypeOf(state.ticket.accessToken).toEqualTypeOf<string>();
      expectTypeOf(state.ticket.customerAccount.id).toEqualTypeOf<number>();
      expectTypeOf(state.refreshAt).toEqualTypeOf<number>();
    } else if (state.status === "requires2FA") {
      expectTypeOf(state.ticket.accessToken).toEqualTypeOf<string | null>();
    } else if (state.status === "ended") {
      expectTypeOf(state.error).toEqualTypeOf<ApiError>();
    } else {
      expectTypeOf(state).toEqualTypeOf<{ status: "signed-out" }>();
    }
  });

  it("answers a token or an error that is either the server's or the session's", async () => {
    const result = await session.accessToken();
    if (result.error) {
      expectTypeOf(result.error).toEqualTypeOf<ApiError | ShopperSessionError>();
      // @ts-expect-error data is absent when error is set
      assertType<string>(result.data);
      if (result.error instanceof ShopperSessionError) {
        expectTypeOf(result.error.code).toEqualTypeOf<ShopperSessionErrorCode>();
        expectTypeOf(result.error.cause).toEqualTypeOf<ApiError | undefined>();
      } else {
        expectTypeOf(result.error.status).toEqualTypeOf<number>();
      }
      if (result.error.name === "ApiError") {
        expectTypeOf(result.error).toEqualTypeOf<ApiError>();
      }
    } else {
      expectTypeOf(result.data).toEqualTypeOf<string>();
    }
    const account = await session.readAccount({ responseFields: "id" });
    if (!account.error) expectTypeOf(account.data).toEqualTypeOf<CustomerAccount>();
    // @ts-expect-error the parameter is `responseFields`
    assertType(session.readAccount({ responseField: "id" }));
    expectTypeOf(ApiError).toBeConstructibleWith({
      status: 401,
      body: undefined,
      correlationId: "c",
    });
  });
});
