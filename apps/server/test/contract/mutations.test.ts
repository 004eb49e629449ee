// Proof that the drift guard bites: each mutation below changes a copy of openapi.yaml (never
// the file), a zod schema or route (in a document built here, never in src), or a handler (in
// front of a real app, on a real database), and the guard must report it, naming the place.
// Equivalent rewrites of the spec (spelling only) must report nothing new, so the
// normalisation is shown to hide no real difference and to invent none.
//
// Each expectation is about the differences a mutation *adds* to those the unmutated pair
// already reports: a mutation is then proved caught whether or not the code and the spec agree
// today (the "unmutated" tests below say whether they do).
import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import { Hono, type MiddlewareHandler } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAccountAndLoginRoute } from "../../src/accounts/accounts.routes.js";
import { CustomerAuthTicketSchema } from "../../src/accounts/accounts.schemas.js";
import {
  getHealthRoute,
  getJsonWebKeySetRoute,
  HealthStatusSchema,
  JsonWebKeySchema,
  JsonWebKeySetSchema,
} from "../../src/operations/operations.routes.js";
import {
  getTenantRoute,
  OAuthTokenRequestSchema,
  OAuthTokenResponseSchema,
  TenantSchema,
} from "../../src/platform/platform.routes.js";
import { emittedDocument, ROUTES, registerSecuritySchemes } from "../../src/routes.js";
import { DIALECTS } from "../support/databases.js";
import {
  assertMatchesSpec,
  createSpecChecker,
  loadSpec,
  type ObservedResponse,
  SpecViolation,
} from "../support/spec-validator.js";
import { APP, createTestApp, signUpBody, type TestApp } from "../support/test-app.js";
import { compareDocuments, compareRoutes, type Difference } from "./compare-documents.js";

type Json = Record<string, unknown>;

const SIGN_UP = "/api/commerce/customer/accounts/Add-Account-And-Login";
const SIGN_UP_OPERATION = `POST ${SIGN_UP}`;
const OAUTH = "/api/platform/applications/authtickets/oauth";

/** The real spec, parsed once; every mutation works on its own structuredClone. */
const SPEC = loadSpec();

// Reaching into a parsed copy of openapi.yaml.
const at = (node: unknown, ...keys: string[]): Json =>
  keys.reduce<Json>((here, key) => {
    const next = here[key];
    if (!next || typeof next !== "object") throw new Error(`openapi.yaml has no ${keys.join(".")}`);
    return next as Json;
  }, node as Json);
const schema = (doc: Json, name: string) => at(doc, "components", "schemas", name);
const property = (doc: Json, name: string, key: string) => at(schema(doc, name), "properties", key);
const operation = (doc: Json, path: string, method: string) => at(doc, "paths", path, method);

/** The differences in `after` that `before` does not have: what a mutation added. */
const added = (before: Difference[], after: Difference[]): string[] => {
  const known = new Set(before.map((difference) => difference.text));
  return after.map((difference) => difference.text).filter((text) => !known.has(text));
};

/** The document an OpenAPIHono emits for these routes (no handler ever runs). */
function documentOf(routes: RouteConfig[]) {
  const app = new OpenAPIHono();
  for (const route of routes) app.openapi(route, () => new Response(null, { status: 500 }));
  registerSecuritySchemes(app);
  return emittedDocument(app);
}

/**
 * ROUTES with every request or response schema `from` replaced by `to` (nested uses stay).
 * Mutated schemas are rebuilt from `.shape` rather than with `.extend()`: extending a named
 * schema makes zod-to-openapi emit `allOf: [{ $ref: itself }, { the extension }]`, which the
 * comparison reports too, but at the whole schema rather than at the changed property.
 */
function withSchema(from: z.ZodType, to: z.ZodType): RouteConfig[] {
  const swap = (content: unknown) =>
    Object.fromEntries(
      Object.entries((content ?? {}) as Record<string, { schema: unknown }>).map(
        ([media, value]) => [
          media,
          { ...value, schema: value.schema === from ? to : value.schema },
        ],
      ),
    );
  return ROUTES.map((route) => ({
    ...route,
    request: route.request && {
      ...route.request,
      ...(route.request.body && {
        body: { ...route.request.body, content: swap(route.request.body.content) },
      }),
    },
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        "content" in response ? { ...response, content: swap(response.content) } : response,
      ]),
    ),
  })) as RouteConfig[];
}

/** ROUTES with the route of that operationId replaced. */
const withRoute = (operationId: string, route: RouteConfig): RouteConfig[] =>
  ROUTES.map((each) => (each.operationId === operationId ? route : each));

/** The real responses the spec mutations are checked against, by name. */
type ResponseName =
  | "sign-up 200"
  | "sign-up 401"
  | "sign-up 409"
  | "oauth 200"
  | "tenant 200"
  | "healthz 200"
  | "healthz 405";

async function observe(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  path: string,
  init: RequestInit = {},
): Promise<ObservedResponse> {
  const response = await app.request(path, init);
  const text = await response.text();
  return {
    method: init.method ?? "GET",
    url: path,
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

interface SpecMutation {
  given: string;
  mutate: (spec: Json) => void;
  want: {
    /** Differences compareDocuments must add, each naming its place. */
    document: string[];
    /** Problems the validator built from the mutated spec must find in a real response. */
    behaviour?: { response: ResponseName; problems: string[] };
  };
}

const SPEC_MUTATIONS: SpecMutation[] = [
  {
    given: "a response property renamed (CustomerAuthTicket.requires2FA -> requiresTwoFactor)",
    mutate: (spec) => {
      const ticket = schema(spec, "CustomerAuthTicket");
      const properties = at(ticket, "properties");
      properties.requiresTwoFactor = properties.requires2FA;
      delete properties.requires2FA;
      ticket.required = (ticket.required as string[]).map((name) =>
        name === "requires2FA" ? "requiresTwoFactor" : name,
      );
    },
    want: {
      document: [
        "components.schemas.CustomerAuthTicket.properties.requiresTwoFactor: in spec only",
        "components.schemas.CustomerAuthTicket.properties.requires2FA: in app only",
        'components.schemas.CustomerAuthTicket.required: "requiresTwoFactor" in spec only',
        `${SIGN_UP_OPERATION} responses.200 schema: requiresTwoFactor: in spec only`,
        `${SIGN_UP_OPERATION} responses.200 schema: requires2FA: in app only`,
      ],
      behaviour: {
        response: "sign-up 200",
        problems: [
          "addAccountAndLogin 200: / must have required property 'requiresTwoFactor'",
          'addAccountAndLogin 200: / must NOT have additional properties (undeclared property "requires2FA")',
        ],
      },
    },
  },
  {
    given: "a type changed (OAuthTokenResponse.access_token string -> integer)",
    mutate: (spec) => {
      property(spec, "OAuthTokenResponse", "access_token").type = "integer";
    },
    want: {
      document: [
        'components.schemas.OAuthTokenResponse.properties.access_token.type: "integer" != "string"',
        `POST ${OAUTH} responses.200 schema: access_token type: "integer" != "string"`,
      ],
      behaviour: {
        response: "oauth 200",
        problems: ["createApplicationToken 200: /access_token must be integer"],
      },
    },
  },
  {
    // A real account id is a valid int64 too: only the document can see this one.
    given: "a format changed (CustomerAccount.id int32 -> int64)",
    mutate: (spec) => {
      property(spec, "CustomerAccount", "id").format = "int64";
    },
    want: {
      document: [
        'components.schemas.CustomerAccount.properties.id.format: "int64" != "int32"',
        `${SIGN_UP_OPERATION} responses.200 schema: customerAccount.id format: "int64" != "int32"`,
      ],
    },
  },
  {
    given: "a format changed (CustomerAuthTicket.accessTokenExpiration date-time -> date)",
    mutate: (spec) => {
      property(spec, "CustomerAuthTicket", "accessTokenExpiration").format = "date";
    },
    want: {
      document: [
        'components.schemas.CustomerAuthTicket.properties.accessTokenExpiration.format: "date" != "date-time"',
        `${SIGN_UP_OPERATION} responses.200 schema: accessTokenExpiration format: "date" != "date-time"`,
      ],
      behaviour: {
        response: "sign-up 200",
        problems: ['addAccountAndLogin 200: /accessTokenExpiration must match format "date"'],
      },
    },
  },
  {
    // last2FaDate is null in every sign-up answer.
    given: "nullability removed (CustomerAccount.last2FaDate)",
    mutate: (spec) => {
      property(spec, "CustomerAccount", "last2FaDate").type = "string";
    },
    want: {
      document: [
        'components.schemas.CustomerAccount.properties.last2FaDate.type: "string" != ["string","null"]',
        `${SIGN_UP_OPERATION} responses.200 schema: customerAccount.last2FaDate type: "string" != ["string","null"]`,
      ],
      behaviour: {
        response: "sign-up 200",
        problems: ["addAccountAndLogin 200: /customerAccount/last2FaDate must be string"],
      },
    },
  },
  {
    // Requests are the server's to validate (route tests); the behaviour layer reads answers.
    given: "a request field made required (CustomerAccountAndAuthInfo.password)",
    mutate: (spec) => {
      const request = schema(spec, "CustomerAccountAndAuthInfo");
      request.required = [...(request.required as string[]), "password"];
    },
    want: {
      document: [
        'components.schemas.CustomerAccountAndAuthInfo.required: "password" in spec only',
        `${SIGN_UP_OPERATION} requestBody schema: required: "password" in spec only`,
      ],
    },
  },
  {
    given: "a status code removed from an operation (409 of addAccountAndLogin)",
    mutate: (spec) => {
      delete at(
        operation(spec, "/commerce/customer/accounts/Add-Account-And-Login", "post"),
        "responses",
      )["409"];
    },
    want: {
      document: [`${SIGN_UP_OPERATION} responses.409: in app only`],
      behaviour: {
        response: "sign-up 409",
        problems: ["addAccountAndLogin 409: status 409 is not documented for addAccountAndLogin"],
      },
    },
  },
  {
    given: "an enum value removed (KiboError.errorCode UNAUTHORIZED)",
    mutate: (spec) => {
      const errorCode = property(spec, "KiboError", "errorCode");
      errorCode.enum = (errorCode.enum as string[]).filter((code) => code !== "UNAUTHORIZED");
    },
    want: {
      document: [
        'components.schemas.KiboError.properties.errorCode.enum: "UNAUTHORIZED" in app only',
        `${SIGN_UP_OPERATION} responses.401 schema: errorCode enum: "UNAUTHORIZED" in app only`,
      ],
      behaviour: {
        response: "sign-up 401",
        problems: ["addAccountAndLogin 401: /errorCode must be equal to one of the allowed values"],
      },
    },
  },
  {
    // "Ada" fits in 100 and in 101 characters: only the document can see this one.
    given: "a constraint changed (CustomerAccount.firstName maxLength 100 -> 101)",
    mutate: (spec) => {
      property(spec, "CustomerAccount", "firstName").maxLength = 101;
    },
    want: {
      document: [
        "components.schemas.CustomerAccount.properties.firstName.maxLength: 101 != 100",
        `${SIGN_UP_OPERATION} requestBody schema: account.firstName maxLength: 101 != 100`,
        `${SIGN_UP_OPERATION} responses.200 schema: customerAccount.firstName maxLength: 101 != 100`,
      ],
    },
  },
  {
    given: "an operation removed from the spec (GET /healthz)",
    mutate: (spec) => {
      delete at(spec, "paths")["/healthz"];
    },
    want: {
      document: ["GET /healthz: operation in app only"],
      behaviour: {
        response: "healthz 200",
        problems: ["GET /healthz: no operation, yet status 200"],
      },
    },
  },
  {
    given: "a method added to a documented path (POST /healthz, which the app answers with 405)",
    mutate: (spec) => {
      const path = at(spec, "paths", "/healthz");
      path.post = { ...at(path, "get"), operationId: "postHealth" };
    },
    want: {
      document: ["POST /healthz: operation in spec only"],
      behaviour: {
        response: "healthz 405",
        problems: ["postHealth 405: status 405 is not documented for postHealth"],
      },
    },
  },
  {
    given: "a documented response header removed (x-vol-correlation of GET /healthz 200)",
    mutate: (spec) => {
      delete at(operation(spec, "/healthz", "get"), "responses", "200").headers;
    },
    want: { document: ["GET /healthz responses.200 headers.x-vol-correlation: in app only"] },
  },
  {
    given: "a query parameter made required (responseFields)",
    mutate: (spec) => {
      at(spec, "components", "parameters", "ResponseFields").required = true;
    },
    want: {
      document: [`${SIGN_UP_OPERATION} parameters.query.responseFields required: true != false`],
    },
  },
  {
    given: "a path parameter's format changed (getTenant tenantId int32 -> int64)",
    mutate: (spec) => {
      const parameters = operation(spec, "/platform/tenants/{tenantId}", "get").parameters;
      const tenantId = (parameters as Json[]).find((parameter) => parameter.name === "tenantId");
      at(tenantId, "schema").format = "int64";
    },
    want: {
      document: [
        'GET /api/platform/tenants/{tenantId} parameters.path.tenantId schema: format: "int64" != "int32"',
      ],
    },
  },
  {
    given: "the security requirement dropped from an operation (addAccountAndLogin)",
    mutate: (spec) => {
      operation(spec, "/commerce/customer/accounts/Add-Account-And-Login", "post").security = [];
    },
    want: { document: [`${SIGN_UP_OPERATION} security: [] != [{"appClaims":[]},{"appToken":[]}]`] },
  },
  {
    given: "an operationId changed (addAccountAndLogin -> signUp)",
    mutate: (spec) => {
      operation(spec, "/commerce/customer/accounts/Add-Account-And-Login", "post").operationId =
        "signUp";
    },
    want: { document: [`${SIGN_UP_OPERATION} operationId: "signUp" != "addAccountAndLogin"`] },
  },
];

/** Rewrites that change spelling only: the guard must report nothing new for them. */
const EQUIVALENT_REWRITES: { given: string; rewrite: (spec: Json) => void }[] = [
  {
    given: "every description, summary, example and title removed or reworded",
    rewrite: (spec) => {
      const walk = (node: unknown, inProperties: boolean): void => {
        if (!node || typeof node !== "object") return;
        const object = node as Json;
        for (const key of Object.keys(object)) {
          if (!inProperties && ["summary", "example", "examples", "title"].includes(key))
            delete object[key];
          else if (!inProperties && key === "description" && typeof object[key] === "string")
            object[key] = "Reworded.";
          else walk(object[key], key === "properties" && !inProperties);
        }
      };
      walk(spec, false);
    },
  },
  {
    given: "required and enum lists in another order",
    rewrite: (spec) => {
      for (const name of ["CustomerAuthTicket", "KiboError", "JsonWebKey"])
        (schema(spec, name).required as string[]).reverse();
      (property(spec, "KiboError", "errorCode").enum as string[]).reverse();
    },
  },
  {
    given: "nullable types written null first ([null, string])",
    rewrite: (spec) => {
      for (const value of Object.values(at(schema(spec, "CustomerAccount"), "properties"))) {
        const type = (value as Json).type;
        if (Array.isArray(type)) type.reverse();
      }
    },
  },
  {
    given: "shared responses and parameters inlined instead of referenced",
    rewrite: (spec) => {
      const post = operation(spec, "/commerce/customer/accounts/Add-Account-And-Login", "post");
      const responses = at(post, "responses");
      responses["400"] = structuredClone(at(spec, "components", "responses", "BadRequest"));
      post.parameters = (post.parameters as Json[]).map((parameter) =>
        structuredClone(at(spec, ...String(parameter.$ref).slice(2).split("/"))),
      );
    },
  },
  {
    given: "the /api server written on every path item instead of the document",
    rewrite: (spec) => {
      const servers = spec.servers;
      delete spec.servers;
      for (const item of Object.values(at(spec, "paths")) as Json[]) item.servers ??= servers;
    },
  },
  {
    given: "the document-wide security written on every operation instead",
    rewrite: (spec) => {
      for (const item of Object.values(at(spec, "paths")) as Json[])
        for (const value of Object.values(item))
          if (value && typeof value === "object" && "responses" in value)
            (value as Json).security ??= spec.security;
      delete spec.security;
    },
  },
  {
    given: "`required: false` left out of optional parameters (it is the default)",
    rewrite: (spec) => {
      for (const parameter of Object.values(at(spec, "components", "parameters")) as Json[])
        if (parameter.required === false) delete parameter.required;
    },
  },
  {
    given: "an int32's implied bounds written out (CustomerAccount.id)",
    rewrite: (spec) => {
      Object.assign(property(spec, "CustomerAccount", "id"), {
        minimum: -(2 ** 31),
        maximum: 2 ** 31 - 1,
      });
    },
  },
  {
    given: "a response header name in another case (X-Vol-Correlation)",
    rewrite: (spec) => {
      const headers = at(operation(spec, "/healthz", "get"), "responses", "200", "headers");
      headers["X-Vol-Correlation"] = headers["x-vol-correlation"];
      delete headers["x-vol-correlation"];
    },
  },
  {
    given: "a specification extension added (x-internal)",
    rewrite: (spec) => {
      operation(spec, "/healthz", "get")["x-internal"] = true;
    },
  },
];

describe("mutations of a zod schema or route are reported by the document comparison", () => {
  const baseline = compareDocuments(SPEC, documentOf(ROUTES));
  const cases: { given: string; routes: () => RouteConfig[]; want: string[] }[] = [
    {
      given: "a property removed (CustomerAuthTicketSchema without requires2FA)",
      routes: () =>
        withSchema(
          CustomerAuthTicketSchema,
          CustomerAuthTicketSchema.omit({ requires2FA: true }).openapi("CustomerAuthTicket"),
        ),
      want: [
        "components.schemas.CustomerAuthTicket.properties.requires2FA: in spec only",
        'components.schemas.CustomerAuthTicket.required: "requires2FA" in spec only',
        `${SIGN_UP_OPERATION} responses.200 schema: requires2FA: in spec only`,
      ],
    },
    {
      given: "a property added (TenantSchema with region)",
      routes: () =>
        withSchema(
          TenantSchema,
          z.object({ ...TenantSchema.shape, region: z.string() }).openapi("Tenant"),
        ),
      want: [
        "components.schemas.Tenant.properties.region: in app only",
        'components.schemas.Tenant.required: "region" in app only',
        "GET /api/platform/tenants/{tenantId} responses.200 schema: region: in app only",
      ],
    },
    {
      given: "a constraint changed (OAuthTokenRequest.client_id max 200 -> 201)",
      routes: () =>
        withSchema(
          OAuthTokenRequestSchema,
          z
            .object({ ...OAuthTokenRequestSchema.shape, client_id: z.string().min(1).max(201) })
            .openapi("OAuthTokenRequest"),
        ),
      want: [
        "components.schemas.OAuthTokenRequest.properties.client_id.maxLength: 200 != 201",
        `POST ${OAUTH} requestBody schema: client_id maxLength: 200 != 201`,
      ],
    },
    {
      given: "a type changed (OAuthTokenResponse.expires_in int32 -> string)",
      routes: () =>
        withSchema(
          OAuthTokenResponseSchema,
          z
            .object({ ...OAuthTokenResponseSchema.shape, expires_in: z.string() })
            .openapi("OAuthTokenResponse"),
        ),
      want: [
        'components.schemas.OAuthTokenResponse.properties.expires_in.type: "integer" != "string"',
        'components.schemas.OAuthTokenResponse.properties.expires_in.format: in spec only ("int32")',
      ],
    },
    {
      // The toolchain quirk: a bare z.int32() is documented as `number` without a format.
      given: "an int32 written as a bare z.int32() (OAuthTokenResponse.expires_in)",
      routes: () =>
        withSchema(
          OAuthTokenResponseSchema,
          z
            .object({ ...OAuthTokenResponseSchema.shape, expires_in: z.int32() })
            .openapi("OAuthTokenResponse"),
        ),
      want: [
        'components.schemas.OAuthTokenResponse.properties.expires_in.type: "integer" != "number"',
        'components.schemas.OAuthTokenResponse.properties.expires_in.format: in spec only ("int32")',
      ],
    },
    {
      given: "a required property made optional (OAuthTokenResponse.refresh_token)",
      routes: () =>
        withSchema(
          OAuthTokenResponseSchema,
          OAuthTokenResponseSchema.partial({ refresh_token: true }).openapi("OAuthTokenResponse"),
        ),
      want: [
        'components.schemas.OAuthTokenResponse.required: "refresh_token" in spec only',
        `POST ${OAUTH} responses.200 schema: required: "refresh_token" in spec only`,
      ],
    },
    {
      given: "nullability added (HealthStatus.status)",
      routes: () =>
        withSchema(
          HealthStatusSchema,
          z.object({ status: z.enum(["ok", "unavailable"]).nullable() }).openapi("HealthStatus"),
        ),
      want: [
        'components.schemas.HealthStatus.properties.status.type: "string" != ["string","null"]',
      ],
    },
    {
      given: "an enum value removed (HealthStatus.status without unavailable)",
      routes: () =>
        withSchema(
          HealthStatusSchema,
          z.object({ status: z.enum(["ok"]) }).openapi("HealthStatus"),
        ),
      want: ['components.schemas.HealthStatus.properties.status.enum: "unavailable" in spec only'],
    },
    {
      given: "a named schema that lost its name (JsonWebKeySet)",
      routes: () => withSchema(JsonWebKeySetSchema, z.object({ keys: z.array(JsonWebKeySchema) })),
      want: ["components.schemas.JsonWebKeySet: in spec only"],
    },
    {
      given: "a status code removed from a route (409 of addAccountAndLogin)",
      routes: () => {
        const { 409: _conflict, ...responses } = addAccountAndLoginRoute.responses;
        return withRoute("addAccountAndLogin", { ...addAccountAndLoginRoute, responses });
      },
      want: [`${SIGN_UP_OPERATION} responses.409: in spec only`],
    },
    {
      given: "an undeclared status code added to a route (418 of getHealth)",
      routes: () =>
        withRoute("getHealth", {
          ...getHealthRoute,
          responses: { ...getHealthRoute.responses, 418: getHealthRoute.responses[200] },
        }),
      want: ["GET /healthz responses.418: in app only"],
    },
    {
      given: "a query parameter dropped from a route (responseFields of getTenant)",
      routes: () => {
        const { query: _query, ...request } = getTenantRoute.request;
        return withRoute("getTenant", { ...getTenantRoute, request });
      },
      want: ["GET /api/platform/tenants/{tenantId} parameters.query.responseFields: in spec only"],
    },
    {
      given: "a route added in code only, through the OpenAPI registry (GET /api/extra)",
      routes: () => [
        ...ROUTES,
        createRoute({
          method: "get",
          path: "/api/extra",
          operationId: "extra",
          responses: getJsonWebKeySetRoute.responses,
        }),
      ],
      want: ["GET /api/extra: operation in app only"],
    },
  ];

  it.each(cases)("$given", ({ routes, want }) => {
    const differences = added(baseline, compareDocuments(SPEC, documentOf(routes())));
    for (const text of want) expect(differences, differences.join("\n")).toContain(text);
  });

  it("and ROUTES unmutated emit what openapi.yaml says", () => {
    expect(baseline.map((difference) => difference.text)).toEqual([]);
  });
});

describe("equivalent rewrites of openapi.yaml report nothing new", () => {
  const emitted = documentOf(ROUTES);
  const baseline = compareDocuments(SPEC, emitted);

  it.each(EQUIVALENT_REWRITES)("$given", ({ rewrite }) => {
    const copy = structuredClone(SPEC);
    rewrite(copy);
    expect(copy).not.toEqual(SPEC); // the rewrite did rewrite something
    expect(added(baseline, compareDocuments(copy, emitted))).toEqual([]);
    expect(added(compareDocuments(copy, emitted), baseline)).toEqual([]);
  });

  it("a bound other than an int32's own is compared, not dropped", () => {
    const copy = structuredClone(SPEC);
    property(copy, "CustomerAccount", "id").minimum = 0;
    expect(added(baseline, compareDocuments(copy, emitted))).toContain(
      "components.schemas.CustomerAccount.properties.id.minimum: in spec only (0)",
    );
  });

  it("a schema property called description is compared, not dropped as prose", () => {
    const copy = structuredClone(SPEC);
    property(copy, "CustomerSegment", "description").maxLength = 501;
    expect(added(baseline, compareDocuments(copy, emitted))).toContain(
      "components.schemas.CustomerSegment.properties.description.maxLength: 501 != 500",
    );
  });
});

// One database at a time: each describe below opens its own app and closes it before the next
// one opens (its afterAll runs first), so a run holds a single test schema on PostgreSQL.
describe.each(DIALECTS)("on %s, the real app", (dialect) => {
  let real: TestApp;
  const observed = {} as Record<ResponseName, ObservedResponse>;

  beforeAll(async () => {
    real = await createTestApp(dialect);
    const token = await real.appToken();
    const bearer = { authorization: `Bearer ${token}` };
    const body = signUpBody();
    observed["sign-up 200"] = await observe(real.app, SIGN_UP, json(body, bearer));
    observed["sign-up 409"] = await observe(real.app, SIGN_UP, json(body, bearer));
    observed["sign-up 401"] = await observe(real.app, SIGN_UP, json(signUpBody()));
    observed["oauth 200"] = await observe(
      real.app,
      OAUTH,
      json({
        client_id: APP.clientId,
        client_secret: APP.sharedSecret,
        grant_type: "client_credentials",
      }),
    );
    observed["tenant 200"] = await observe(
      real.app,
      `/api/platform/tenants/${real.config.tenant.id}`,
      { headers: bearer },
    );
    observed["healthz 200"] = await observe(real.app, "/healthz");
    observed["healthz 405"] = await observe(real.app, "/healthz", { method: "POST" });
  });
  afterAll(() => real.close());

  describe("unmutated, passes every layer:", () => {
    it("its emitted document equals openapi.yaml", () => {
      const differences = compareDocuments(SPEC, emittedDocument(real.app));
      expect(differences.map((difference) => difference.text)).toEqual([]);
    });

    it("it serves exactly the spec's operations", () => {
      expect(compareRoutes(SPEC, real.app.routes).map((d) => d.text)).toEqual([]);
    });

    it("its real answers, errors included, match openapi.yaml", () => {
      expect(Object.keys(observed)).toHaveLength(7);
      const validator = createSpecChecker(structuredClone(SPEC));
      for (const [name, response] of Object.entries(observed)) {
        expect(response.status, name).toBe(Number(name.split(" ")[1]));
        expect(validator.check(response), name).toEqual([]);
      }
    });
  });

  describe("a mutated copy of openapi.yaml is reported", () => {
    it.each(SPEC_MUTATIONS)("$given", ({ mutate, want }) => {
      const emitted = emittedDocument(real.app);
      const copy = structuredClone(SPEC);
      mutate(copy);
      const differences = added(compareDocuments(SPEC, emitted), compareDocuments(copy, emitted));
      for (const text of want.document) expect(differences, differences.join("\n")).toContain(text);

      if (want.behaviour) {
        const response = observed[want.behaviour.response];
        expect(createSpecChecker(SPEC).check(response)).toEqual([]);
        const problems = createSpecChecker(copy).check(response);
        for (const problem of want.behaviour.problems)
          expect(problems, problems.join("\n")).toContain(problem);
      }
    });
  });

  describe("a handler that strays from the spec fails the test that provoked it", () => {
    /** The real app behind a front that overrides (or rewrites) one operation's answer. */
    const inFront = (path: string, front: MiddlewareHandler) => {
      const app = new Hono();
      app.use(path, front);
      app.route("/", real.app);
      return app;
    };

    const cases: {
      given: string;
      path: string;
      front: MiddlewareHandler;
      request: () => Promise<RequestInit>;
      want: string;
    }[] = [
      {
        given: "an undeclared property added to a real answer (getTenant 200 with region)",
        path: "/api/platform/tenants/:tenantId",
        front: async (c, next) => {
          await next();
          const body = (await c.res.json()) as Json;
          c.res = new Response(JSON.stringify({ ...body, region: "eu-west" }), c.res);
        },
        request: async () => ({ headers: { authorization: `Bearer ${await real.appToken()}` } }),
        want: 'getTenant 200: / must NOT have additional properties (undeclared property "region")',
      },
      {
        given: "an undeclared status (addAccountAndLogin answering 418)",
        path: SIGN_UP,
        front: async (c) =>
          c.json(
            {
              message: "I'm a teapot",
              errorCode: "UNEXPECTED_ERROR",
              applicationName: "Customer",
              additionalErrorData: [],
              items: [],
              exceptionDetail: null,
            },
            418,
            { "x-vol-correlation": "teapot" },
          ),
        request: async () => json(signUpBody()),
        want: "addAccountAndLogin 418: status 418 is not documented for addAccountAndLogin",
      },
      {
        given: "a documented header left out (getHealth 200 without x-vol-correlation)",
        path: "/healthz",
        front: async (c, next) => {
          await next();
          // In place: assigning c.res would copy the old response's headers back.
          c.res.headers.delete("x-vol-correlation");
        },
        request: async () => ({}),
        want: "getHealth 200: header x-vol-correlation is missing",
      },
      {
        given: "an Allow header that leaves a method out (POST /healthz: 405 with Allow: GET)",
        path: "/healthz",
        front: async (c, next) => {
          await next();
          c.res.headers.set("allow", "GET");
        },
        request: async () => ({ method: "POST" }),
        want: 'POST /healthz: Allow is "GET", not "GET, HEAD"',
      },
      {
        given: "a 405 with another errorCode (POST /healthz: ITEM_NOT_FOUND)",
        path: "/healthz",
        front: async (c, next) => {
          await next();
          const body = (await c.res.json()) as Json;
          c.res = new Response(JSON.stringify({ ...body, errorCode: "ITEM_NOT_FOUND" }), c.res);
        },
        request: async () => ({ method: "POST" }),
        want: "POST /healthz: 405 with errorCode ITEM_NOT_FOUND",
      },
      {
        given: "an answer to HEAD with another content type (HEAD /healthz as text/html)",
        path: "/healthz",
        front: async (c, next) => {
          await next();
          c.res.headers.set("content-type", "text/html");
        },
        request: async () => ({ method: "HEAD" }),
        want: 'getHealth 200: content-type is "text/html", not application/json',
      },
      {
        given: "a method a path lacks answered 404 instead of 405 (POST /healthz)",
        path: "/healthz",
        front: async (c) =>
          c.json(
            {
              message: "No operation answers POST /healthz.",
              errorCode: "ITEM_NOT_FOUND",
              applicationName: "Customer",
              additionalErrorData: [],
              items: [],
              exceptionDetail: null,
            },
            404,
          ),
        request: async () => ({ method: "POST" }),
        want: "POST /healthz: no POST operation, yet status 404",
      },
    ];

    it.each(cases)("$given", async ({ path, front, request, want }) => {
      const app = inFront(path, front);
      const init = await request();
      const url = path.replace(":tenantId", String(real.config.tenant.id));
      const response = await app.request(url, init);
      const check = assertMatchesSpec(init.method ?? "GET", url, response);
      await expect(check).rejects.toThrow(SpecViolation);
      await expect(check).rejects.toThrow(want);
    });
  });
});

describe.each(DIALECTS)("on %s, the real app with a route added in code only", (dialect) => {
  let altered: TestApp;

  beforeAll(async () => {
    altered = await createTestApp(dialect);
    // Before the first request: Hono builds its matcher on first use.
    altered.app.get("/api/extra", (c) => c.json({ extra: true }));
  });
  afterAll(() => altered.close());

  it("is reported by the route comparison, by method and path", () => {
    expect(compareRoutes(SPEC, altered.app.routes).map((d) => d.text)).toEqual(
      expect.arrayContaining(["routes: GET /api/extra: served by the app, not in the spec"]),
    );
  });

  it("answers something the behaviour layer fails, naming method and path", async () => {
    const response = await altered.app.request("/api/extra");
    await expect(assertMatchesSpec("GET", "/api/extra", response)).rejects.toThrow(
      "GET /api/extra: no operation, yet status 200",
    );
  });
});
