// The type layer of the drift guard, checked by tsc (vitest typecheck), never run: every zod
// schema the server validates or answers with has exactly the type openapi-typescript generated
// from openapi.yaml (@kibo-auth/api-types), request bodies, parameters and every response
// status's body alike. A drifting schema fails compilation at the line that names it.
//
// How the comparison works, and why:
// - `expectTypeOf<A>().toEqualTypeOf<B>()` (expect-type, shipped with vitest) compares deeply:
//   the same keys at every depth, the same optionality, the same property types. It holds
//   between zod 4's inferred types (`z.input`/`z.output`) and openapi-typescript's output with
//   no adapter: zod's `text()` infers `firstName?: string | null | undefined`, the generated
//   type is `firstName?: string | null`, and with `exactOptionalPropertyTypes` off (the repo's
//   setting) the two are the same type; named components (`components["schemas"]["AuditInfo"]`)
//   are expanded structurally.
// - Mutual assignability alone is not enough: it is weak for objects whose properties are all
//   optional (AuditInfo, Phone, Address...). A renamed optional property still passes it both
//   ways; exact equality does not. The proofs at the end show both facts.
// - Request bodies are compared on both `z.input` (what a client may send) and `z.output`
//   (what the handler receives); response bodies on `z.output`, which is what a handler must
//   hand to `c.json` (@hono/zod-openapi types responses with z.infer). Path, query and header
//   parameters are compared on `z.output`: on the wire they are text, and `z.coerce` makes
//   their input type `unknown`, so the output (what the handler reads) is the contract.
// - The handlers' return types follow from the routes: every handler is an
//   `AppRouteHandler<typeof route>` (or inline in `app.openapi(route, ...)`), so `c.json` only
//   accepts the route's own statuses and bodies; the route checks below then tie those to the
//   spec. A handler answering an undeclared status fails to compile (proved below); one adding
//   an undeclared property to a body does not (TypeScript has no exact object types for a
//   generic argument): the behaviour layer catches that at run time (mutations.test.ts).
import type { RouteConfig, RouteHandler, z } from "@hono/zod-openapi";
import type { components, operations } from "@kibo-auth/api-types";
import { describe, expectTypeOf, test } from "vitest";
import type {
  addAccountAndLoginRoute,
  getAccountRoute,
} from "../../src/accounts/accounts.routes.js";
import type {
  AddressSchema,
  AuditInfoSchema,
  CommerceSummarySchema,
  ContactTypeSchema,
  CurrencyAmountSchema,
  CustomerAccountAndAuthInfoSchema,
  CustomerAccountSchema,
  CustomerAttributeSchema,
  CustomerAuthTicketSchema,
  CustomerContactSchema,
  CustomerNoteSchema,
  CustomerSegmentSchema,
  PhoneSchema,
} from "../../src/accounts/accounts.schemas.js";
import type {
  ErrorDataItemSchema,
  ExceptionDetailSchema,
  KiboErrorItemSchema,
  KiboErrorSchema,
} from "../../src/http/error-schema.js";
import type {
  getHealthRoute,
  getJsonWebKeySetRoute,
  getReadinessRoute,
  HealthStatusSchema,
  JsonWebKeySchema,
  JsonWebKeySetSchema,
} from "../../src/operations/operations.routes.js";
import type {
  AppAuthInfoSchema,
  AppAuthTicketRefreshSchema,
  AppAuthTicketSchema,
  createAppAuthTicketRoute,
  createApplicationTokenRoute,
  getTenantRoute,
  OAuthTokenRequestSchema,
  OAuthTokenResponseSchema,
  refreshAppAuthTicketRoute,
  SiteSchema,
  TenantSchema,
} from "../../src/platform/platform.routes.js";
import type {
  CustomerUserAuthInfoSchema,
  createUserAuthTicketRoute,
  deleteUserAuthTicketRoute,
  refreshUserAuthTicketRoute,
} from "../../src/sessions/sessions.routes.js";

type Schemas = components["schemas"];

/** Every named zod schema, under its openapi.yaml component name. */
interface Components {
  Address: typeof AddressSchema;
  AppAuthInfo: typeof AppAuthInfoSchema;
  AppAuthTicket: typeof AppAuthTicketSchema;
  AppAuthTicketRefresh: typeof AppAuthTicketRefreshSchema;
  AuditInfo: typeof AuditInfoSchema;
  CommerceSummary: typeof CommerceSummarySchema;
  ContactType: typeof ContactTypeSchema;
  CurrencyAmount: typeof CurrencyAmountSchema;
  CustomerAccount: typeof CustomerAccountSchema;
  CustomerAccountAndAuthInfo: typeof CustomerAccountAndAuthInfoSchema;
  CustomerAttribute: typeof CustomerAttributeSchema;
  CustomerAuthTicket: typeof CustomerAuthTicketSchema;
  CustomerContact: typeof CustomerContactSchema;
  CustomerNote: typeof CustomerNoteSchema;
  CustomerSegment: typeof CustomerSegmentSchema;
  CustomerUserAuthInfo: typeof CustomerUserAuthInfoSchema;
  ErrorDataItem: typeof ErrorDataItemSchema;
  ExceptionDetail: typeof ExceptionDetailSchema;
  HealthStatus: typeof HealthStatusSchema;
  JsonWebKey: typeof JsonWebKeySchema;
  JsonWebKeySet: typeof JsonWebKeySetSchema;
  KiboError: typeof KiboErrorSchema;
  KiboErrorItem: typeof KiboErrorItemSchema;
  OAuthTokenRequest: typeof OAuthTokenRequestSchema;
  OAuthTokenResponse: typeof OAuthTokenResponseSchema;
  Phone: typeof PhoneSchema;
  Site: typeof SiteSchema;
  Tenant: typeof TenantSchema;
}
type In<N extends keyof Components> = z.input<Components[N]>;
type Out<N extends keyof Components> = z.output<Components[N]>;

/** Every route, under its operationId. */
interface Routes {
  addAccountAndLogin: typeof addAccountAndLoginRoute;
  getAccount: typeof getAccountRoute;
  createUserAuthTicket: typeof createUserAuthTicketRoute;
  refreshUserAuthTicket: typeof refreshUserAuthTicketRoute;
  deleteUserAuthTicket: typeof deleteUserAuthTicketRoute;
  createApplicationToken: typeof createApplicationTokenRoute;
  createAppAuthTicket: typeof createAppAuthTicketRoute;
  refreshAppAuthTicket: typeof refreshAppAuthTicketRoute;
  getTenant: typeof getTenantRoute;
  getJsonWebKeySet: typeof getJsonWebKeySetRoute;
  getHealth: typeof getHealthRoute;
  getReadiness: typeof getReadinessRoute;
}

// What a route declares, and what the spec declares for the same operation.
type JsonSchemaOf<T> = T extends {
  content: { "application/json": { schema: infer S extends z.ZodType } };
}
  ? S
  : never;
/** A response without content: both sides must agree that there is no body. */
type NoBody = "no body";
type RouteBodies<R extends RouteConfig> = {
  [S in keyof R["responses"]]: [JsonSchemaOf<R["responses"][S]>] extends [never]
    ? NoBody
    : z.output<JsonSchemaOf<R["responses"][S]>>;
};
type SpecBodies<O extends { responses: object }> = {
  [S in keyof O["responses"]]: O["responses"][S] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : NoBody;
};
type RouteBody<R, Side extends "in" | "out"> = R extends { request: { body: infer B } }
  ? Side extends "in"
    ? z.input<JsonSchemaOf<B>>
    : z.output<JsonSchemaOf<B>>
  : never;
type SpecBody<O> = O extends { requestBody: { content: { "application/json": infer Body } } }
  ? Body
  : never;
type RouteParams<R, Where extends "query" | "headers" | "params"> = R extends {
  request: { [K in Where]: infer S extends z.ZodType };
}
  ? z.output<S>
  : never;
type SpecParams<
  O extends { parameters: object },
  Where extends "query" | "header" | "path",
> = NonNullable<O["parameters"][Where & keyof O["parameters"]]>;

type Route<Id extends keyof Routes> = Routes[Id];
type Operation<Id extends keyof Routes> = operations[Id];

describe("every component schema is the zod schema of the same name", () => {
  test("and every spec component has one (a new component needs its zod schema here)", () => {
    expectTypeOf<keyof Components>().toEqualTypeOf<keyof Schemas>();
  });

  test("as answered and as read (z.output), key for key at every depth", () => {
    expectTypeOf<Out<"Address">>().toEqualTypeOf<Schemas["Address"]>();
    expectTypeOf<Out<"AuditInfo">>().toEqualTypeOf<Schemas["AuditInfo"]>();
    expectTypeOf<Out<"CommerceSummary">>().toEqualTypeOf<Schemas["CommerceSummary"]>();
    expectTypeOf<Out<"ContactType">>().toEqualTypeOf<Schemas["ContactType"]>();
    expectTypeOf<Out<"CurrencyAmount">>().toEqualTypeOf<Schemas["CurrencyAmount"]>();
    expectTypeOf<Out<"CustomerAccount">>().toEqualTypeOf<Schemas["CustomerAccount"]>();
    expectTypeOf<Out<"CustomerAccountAndAuthInfo">>().toEqualTypeOf<
      Schemas["CustomerAccountAndAuthInfo"]
    >();
    expectTypeOf<Out<"CustomerAttribute">>().toEqualTypeOf<Schemas["CustomerAttribute"]>();
    expectTypeOf<Out<"CustomerAuthTicket">>().toEqualTypeOf<Schemas["CustomerAuthTicket"]>();
    expectTypeOf<Out<"CustomerContact">>().toEqualTypeOf<Schemas["CustomerContact"]>();
    expectTypeOf<Out<"CustomerNote">>().toEqualTypeOf<Schemas["CustomerNote"]>();
    expectTypeOf<Out<"CustomerSegment">>().toEqualTypeOf<Schemas["CustomerSegment"]>();
    expectTypeOf<Out<"CustomerUserAuthInfo">>().toEqualTypeOf<Schemas["CustomerUserAuthInfo"]>();
    expectTypeOf<Out<"ErrorDataItem">>().toEqualTypeOf<Schemas["ErrorDataItem"]>();
    expectTypeOf<Out<"ExceptionDetail">>().toEqualTypeOf<Schemas["ExceptionDetail"]>();
    expectTypeOf<Out<"HealthStatus">>().toEqualTypeOf<Schemas["HealthStatus"]>();
    expectTypeOf<Out<"JsonWebKey">>().toEqualTypeOf<Schemas["JsonWebKey"]>();
    expectTypeOf<Out<"JsonWebKeySet">>().toEqualTypeOf<Schemas["JsonWebKeySet"]>();
    expectTypeOf<Out<"KiboError">>().toEqualTypeOf<Schemas["KiboError"]>();
    expectTypeOf<Out<"KiboErrorItem">>().toEqualTypeOf<Schemas["KiboErrorItem"]>();
    expectTypeOf<Out<"AppAuthInfo">>().toEqualTypeOf<Schemas["AppAuthInfo"]>();
    expectTypeOf<Out<"AppAuthTicket">>().toEqualTypeOf<Schemas["AppAuthTicket"]>();
    expectTypeOf<Out<"AppAuthTicketRefresh">>().toEqualTypeOf<Schemas["AppAuthTicketRefresh"]>();
    expectTypeOf<Out<"OAuthTokenRequest">>().toEqualTypeOf<Schemas["OAuthTokenRequest"]>();
    expectTypeOf<Out<"OAuthTokenResponse">>().toEqualTypeOf<Schemas["OAuthTokenResponse"]>();
    expectTypeOf<Out<"Phone">>().toEqualTypeOf<Schemas["Phone"]>();
    expectTypeOf<Out<"Site">>().toEqualTypeOf<Schemas["Site"]>();
    expectTypeOf<Out<"Tenant">>().toEqualTypeOf<Schemas["Tenant"]>();
  });

  test("as sent by a client (z.input), key for key at every depth", () => {
    expectTypeOf<In<"Address">>().toEqualTypeOf<Schemas["Address"]>();
    expectTypeOf<In<"AuditInfo">>().toEqualTypeOf<Schemas["AuditInfo"]>();
    expectTypeOf<In<"CommerceSummary">>().toEqualTypeOf<Schemas["CommerceSummary"]>();
    expectTypeOf<In<"ContactType">>().toEqualTypeOf<Schemas["ContactType"]>();
    expectTypeOf<In<"CurrencyAmount">>().toEqualTypeOf<Schemas["CurrencyAmount"]>();
    expectTypeOf<In<"CustomerAccount">>().toEqualTypeOf<Schemas["CustomerAccount"]>();
    expectTypeOf<In<"CustomerAccountAndAuthInfo">>().toEqualTypeOf<
      Schemas["CustomerAccountAndAuthInfo"]
    >();
    expectTypeOf<In<"CustomerAttribute">>().toEqualTypeOf<Schemas["CustomerAttribute"]>();
    expectTypeOf<In<"CustomerAuthTicket">>().toEqualTypeOf<Schemas["CustomerAuthTicket"]>();
    expectTypeOf<In<"CustomerContact">>().toEqualTypeOf<Schemas["CustomerContact"]>();
    expectTypeOf<In<"CustomerNote">>().toEqualTypeOf<Schemas["CustomerNote"]>();
    expectTypeOf<In<"CustomerSegment">>().toEqualTypeOf<Schemas["CustomerSegment"]>();
    expectTypeOf<In<"CustomerUserAuthInfo">>().toEqualTypeOf<Schemas["CustomerUserAuthInfo"]>();
    expectTypeOf<In<"ErrorDataItem">>().toEqualTypeOf<Schemas["ErrorDataItem"]>();
    expectTypeOf<In<"ExceptionDetail">>().toEqualTypeOf<Schemas["ExceptionDetail"]>();
    expectTypeOf<In<"HealthStatus">>().toEqualTypeOf<Schemas["HealthStatus"]>();
    expectTypeOf<In<"JsonWebKey">>().toEqualTypeOf<Schemas["JsonWebKey"]>();
    expectTypeOf<In<"JsonWebKeySet">>().toEqualTypeOf<Schemas["JsonWebKeySet"]>();
    expectTypeOf<In<"KiboError">>().toEqualTypeOf<Schemas["KiboError"]>();
    expectTypeOf<In<"KiboErrorItem">>().toEqualTypeOf<Schemas["KiboErrorItem"]>();
    expectTypeOf<In<"AppAuthInfo">>().toEqualTypeOf<Schemas["AppAuthInfo"]>();
    expectTypeOf<In<"AppAuthTicket">>().toEqualTypeOf<Schemas["AppAuthTicket"]>();
    expectTypeOf<In<"AppAuthTicketRefresh">>().toEqualTypeOf<Schemas["AppAuthTicketRefresh"]>();
    expectTypeOf<In<"OAuthTokenRequest">>().toEqualTypeOf<Schemas["OAuthTokenRequest"]>();
    expectTypeOf<In<"OAuthTokenResponse">>().toEqualTypeOf<Schemas["OAuthTokenResponse"]>();
    expectTypeOf<In<"Phone">>().toEqualTypeOf<Schemas["Phone"]>();
    expectTypeOf<In<"Site">>().toEqualTypeOf<Schemas["Site"]>();
    expectTypeOf<In<"Tenant">>().toEqualTypeOf<Schemas["Tenant"]>();
  });
});

describe("every route declares what the spec declares for its operation", () => {
  test("and every spec operation has a route (a new operation needs its route here)", () => {
    expectTypeOf<keyof Routes>().toEqualTypeOf<keyof operations>();
  });

  test("addAccountAndLogin", () => {
    type R = Route<"addAccountAndLogin">;
    type O = Operation<"addAccountAndLogin">;
    expectTypeOf<RouteBody<R, "in">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteBody<R, "out">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteParams<R, "query">>().toEqualTypeOf<SpecParams<O, "query">>();
    expectTypeOf<RouteParams<R, "headers">>().toEqualTypeOf<SpecParams<O, "header">>();
    expectTypeOf<RouteParams<R, "params">>().toEqualTypeOf<SpecParams<O, "path">>();
    expectTypeOf<RouteBodies<R>>().toEqualTypeOf<SpecBodies<O>>();
  });

  test("getAccount", () => {
    type R = Route<"getAccount">;
    type O = Operation<"getAccount">;
    expectTypeOf<RouteBody<R, "in">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteParams<R, "query">>().toEqualTypeOf<SpecParams<O, "query">>();
    expectTypeOf<RouteParams<R, "headers">>().toEqualTypeOf<SpecParams<O, "header">>();
    expectTypeOf<RouteParams<R, "params">>().toEqualTypeOf<SpecParams<O, "path">>();
    expectTypeOf<RouteBodies<R>>().toEqualTypeOf<SpecBodies<O>>();
  });

  test("createUserAuthTicket", () => {
    type R = Route<"createUserAuthTicket">;
    type O = Operation<"createUserAuthTicket">;
    expectTypeOf<RouteBody<R, "in">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteBody<R, "out">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteParams<R, "query">>().toEqualTypeOf<SpecParams<O, "query">>();
    expectTypeOf<RouteParams<R, "headers">>().toEqualTypeOf<SpecParams<O, "header">>();
    expectTypeOf<RouteParams<R, "params">>().toEqualTypeOf<SpecParams<O, "path">>();
    expectTypeOf<RouteBodies<R>>().toEqualTypeOf<SpecBodies<O>>();
  });

  test("refreshUserAuthTicket", () => {
    type R = Route<"refreshUserAuthTicket">;
    type O = Operation<"refreshUserAuthTicket">;
    expectTypeOf<RouteBody<R, "in">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteParams<R, "query">>().toEqualTypeOf<SpecParams<O, "query">>();
    expectTypeOf<RouteParams<R, "headers">>().toEqualTypeOf<SpecParams<O, "header">>();
    expectTypeOf<RouteParams<R, "params">>().toEqualTypeOf<SpecParams<O, "path">>();
    expectTypeOf<RouteBodies<R>>().toEqualTypeOf<SpecBodies<O>>();
  });

  test("deleteUserAuthTicket", () => {
    type R = Route<"deleteUserAuthTicket">;
    type O = Operation<"deleteUserAuthTicket">;
    expectTypeOf<RouteBody<R, "in">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteParams<R, "query">>().toEqualTypeOf<SpecParams<O, "query">>();
    expectTypeOf<RouteParams<R, "headers">>().toEqualTypeOf<SpecParams<O, "header">>();
    expectTypeOf<RouteParams<R, "params">>().toEqualTypeOf<SpecParams<O, "path">>();
    expectTypeOf<RouteBodies<R>>().toEqualTypeOf<SpecBodies<O>>();
  });

  test("createApplicationToken", () => {
    type R = Route<"createApplicationToken">;
    type O = Operation<"createApplicationToken">;
    expectTypeOf<RouteBody<R, "in">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteBody<R, "out">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteParams<R, "query">>().toEqualTypeOf<SpecParams<O, "query">>();
    expectTypeOf<RouteParams<R, "headers">>().toEqualTypeOf<SpecParams<O, "header">>();
    expectTypeOf<RouteParams<R, "params">>().toEqualTypeOf<SpecParams<O, "path">>();
    expectTypeOf<RouteBodies<R>>().toEqualTypeOf<SpecBodies<O>>();
  });

  test("createAppAuthTicket", () => {
    type R = Route<"createAppAuthTicket">;
    type O = Operation<"createAppAuthTicket">;
    expectTypeOf<RouteBody<R, "in">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteBody<R, "out">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteParams<R, "query">>().toEqualTypeOf<SpecParams<O, "query">>();
    expectTypeOf<RouteParams<R, "headers">>().toEqualTypeOf<SpecParams<O, "header">>();
    expectTypeOf<RouteParams<R, "params">>().toEqualTypeOf<SpecParams<O, "path">>();
    expectTypeOf<RouteBodies<R>>().toEqualTypeOf<SpecBodies<O>>();
  });

  test("refreshAppAuthTicket", () => {
    type R = Route<"refreshAppAuthTicket">;
    type O = Operation<"refreshAppAuthTicket">;
    expectTypeOf<RouteBody<R, "in">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteBody<R, "out">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteParams<R, "query">>().toEqualTypeOf<SpecParams<O, "query">>();
    expectTypeOf<RouteParams<R, "headers">>().toEqualTypeOf<SpecParams<O, "header">>();
    expectTypeOf<RouteParams<R, "params">>().toEqualTypeOf<SpecParams<O, "path">>();
    expectTypeOf<RouteBodies<R>>().toEqualTypeOf<SpecBodies<O>>();
  });

  test("getTenant", () => {
    type R = Route<"getTenant">;
    type O = Operation<"getTenant">;
    expectTypeOf<RouteBody<R, "in">>().toEqualTypeOf<SpecBody<O>>();
    expectTypeOf<RouteParams<R, "query">>().toEqualTypeOf<SpecParams<O, "query">>();
    expectTypeOf<RouteParams<R, "headers">>().toEqualTypeOf<SpecParams<O, "header">>();
    expectTypeOf<RouteParams<R, "params">>().toEqualTypeOf<SpecParams<O, "path">>();
    expectTypeOf<RouteBodies<R>>().toEqualTypeOf<SpecBodies<O>>();
  });

  test("getJsonWebKeySet, getHealth, getReadiness", () => {
    expectTypeOf<RouteBodies<Route<"getJsonWebKeySet">>>().toEqualTypeOf<
      SpecBodies<Operation<"getJsonWebKeySet">>
    >();
    expectTypeOf<RouteBodies<Route<"getHealth">>>().toEqualTypeOf<
      SpecBodies<Operation<"getHealth">>
    >();
    expectTypeOf<RouteBodies<Route<"getReadiness">>>().toEqualTypeOf<
      SpecBodies<Operation<"getReadiness">>
    >();
    for (const id of ["getJsonWebKeySet", "getHealth", "getReadiness"] as const) {
      expectTypeOf<RouteBody<Route<typeof id>, "in">>().toEqualTypeOf<never>();
      expectTypeOf<SpecBody<Operation<typeof id>>>().toEqualTypeOf<never>();
      expectTypeOf<SpecParams<Operation<typeof id>, "query">>().toEqualTypeOf<never>();
      expectTypeOf<RouteParams<Route<typeof id>, "query">>().toEqualTypeOf<never>();
    }
  });
});

// Proofs that the checks above bite. Each `@ts-expect-error` fails compilation if the line
// below it ever compiles, so a check that went blind would be noticed.
describe("a drifting zod schema fails to compile", () => {
  test("a property removed", () => {
    type Mutated = z.output<ReturnType<typeof CustomerAccountSchema.omit<{ firstName: true }>>>;
    // @ts-expect-error firstName is declared by the spec, not by the mutated schema
    expectTypeOf<Mutated>().toEqualTypeOf<Schemas["CustomerAccount"]>();
  });

  test("a property added", () => {
    type Mutated = Out<"CustomerAccount"> & { extra: string };
    // @ts-expect-error extra is not declared by the spec
    expectTypeOf<Mutated>().toEqualTypeOf<Schemas["CustomerAccount"]>();
  });

  test("an optional property renamed, which mutual assignability lets through", () => {
    type Mutated = Omit<Out<"AuditInfo">, "createBy"> & { createdBy?: string | null };
    // Both directions assign: every property of AuditInfo is optional...
    expectTypeOf<Mutated>().toExtend<Schemas["AuditInfo"]>();
    expectTypeOf<Schemas["AuditInfo"]>().toExtend<Mutated>();
    // ...so only the exact comparison sees the rename.
    // @ts-expect-error createBy became createdBy
    expectTypeOf<Mutated>().toEqualTypeOf<Schemas["AuditInfo"]>();
  });

  test("nullability removed", () => {
    type Mutated = Omit<Out<"AuditInfo">, "createBy"> & { createBy?: string };
    // @ts-expect-error the spec's createBy may be null
    expectTypeOf<Mutated>().toEqualTypeOf<Schemas["AuditInfo"]>();
  });

  test("a type changed", () => {
    type Mutated = Omit<Out<"OAuthTokenResponse">, "expires_in"> & { expires_in: string };
    // @ts-expect-error expires_in is an integer in the spec
    expectTypeOf<Mutated>().toEqualTypeOf<Schemas["OAuthTokenResponse"]>();
  });

  test("a required property made optional", () => {
    type Mutated = Partial<Out<"OAuthTokenResponse">>;
    // @ts-expect-error refresh_token (and the rest) are required in the spec
    expectTypeOf<Mutated>().toEqualTypeOf<Schemas["OAuthTokenResponse"]>();
  });

  test("an enum value removed", () => {
    type Mutated = { status: "ok" };
    // @ts-expect-error the spec also allows "unavailable"
    expectTypeOf<Mutated>().toEqualTypeOf<Schemas["HealthStatus"]>();
  });

  test("a status removed from a route", () => {
    type Mutated = Omit<RouteBodies<Route<"addAccountAndLogin">>, 409>;
    // @ts-expect-error the spec documents 409
    expectTypeOf<Mutated>().toEqualTypeOf<SpecBodies<Operation<"addAccountAndLogin">>>();
  });

  test("a handler answering a status its route does not declare", () => {
    // @ts-expect-error 418 is not a status of getHealth
    const teapot: RouteHandler<Route<"getHealth">> = (c) => c.json({ status: "ok" as const }, 418);
    expectTypeOf(teapot).not.toBeAny();
  });

  test("a handler answering a value its route's schema does not allow", () => {
    // @ts-expect-error "fine" is not a HealthStatus status
    const fine: RouteHandler<Route<"getHealth">> = (c) => c.json({ status: "fine" }, 200);
    expectTypeOf(fine).not.toBeAny();
  });
});
