// Compile-time proof that the generated types describe the seed: the literal request and
// response type-check, and a misspelled or mistyped field does not.
import { assertType, describe, it } from "vitest";
import type { components, operations, paths } from "../generated/openapi.js";
import { seedRequest, seedResponse } from "./seed-example.js";

type Schemas = components["schemas"];
type AddAccount = operations["addAccountAndLogin"];

describe("generated types", () => {
  it("accept the seed's request and response", () => {
    assertType<AddAccount["requestBody"]["content"]["application/json"]>(seedRequest);
    assertType<AddAccount["responses"][200]["content"]["application/json"]>(seedResponse);
    assertType<paths["/commerce/customer/accounts/Add-Account-And-Login"]["post"]>(
      {} as AddAccount,
    );
  });

  it("reject a misspelled request field", () => {
    assertType<Schemas["CustomerAccountAndAuthInfo"]>({
      account: { emailAddress: "ada@example.com" },
      // @ts-expect-error `pasword` is not a field of CustomerAccountAndAuthInfo
      pasword: "correct-horse-battery-staple",
    });
  });

  it("reject a misspelled nested field", () => {
    assertType<Schemas["CustomerAccount"]>({
      emailAddress: "ada@example.com",
      // @ts-expect-error `firstNme` is not a field of CustomerAccount
      firstNme: "Ada",
    });
  });

  it("reject a wrongly typed field", () => {
    assertType<Schemas["CustomerAccount"]>({
      // @ts-expect-error `id` is an int32, not a string
      id: "1000",
      emailAddress: "ada@example.com",
    });
  });

  it("require the account in a request", () => {
    // @ts-expect-error `account` is required
    assertType<Schemas["CustomerAccountAndAuthInfo"]>({ password: "correct-horse-battery" });
  });

  it("type the date-times of a ticket as strings that are never null", () => {
    // @ts-expect-error accessTokenExpiration is not nullable
    assertType<Schemas["CustomerAuthTicket"]["accessTokenExpiration"]>(null);
  });
});
