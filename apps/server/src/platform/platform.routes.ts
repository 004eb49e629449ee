// The two platform operations a Kibo client calls before any customer call.
import { createRoute, z } from "@hono/zod-openapi";
import {
  APP_TOKEN_SECURITY,
  errorResponses,
  jsonResponse,
  ResponseFieldsQuery,
} from "../http/openapi-parts.js";
import { dateTime, int32, NO_NUL } from "../http/schema-helpers.js";

export const OAuthTokenRequestSchema = z
  .object({
    client_id: z.string().min(1).max(200).regex(NO_NUL),
    client_secret: z.string().min(1).max(200),
    grant_type: z.enum(["client_credentials", "refresh_token"]),
    refresh_token: z.string().max(200).nullable().optional(),
  })
  .openapi("OAuthTokenRequest");

export const OAuthTokenResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.enum(["bearer"]),
    expires_in: int32(),
    refresh_token: z.string(),
  })
  .openapi("OAuthTokenResponse");

export const AppAuthInfoSchema = z
  .object({
    applicationId: z.string().min(1).max(200).regex(NO_NUL),
    sharedSecret: z.string().min(1).max(200),
  })
  .openapi("AppAuthInfo");

export const AppAuthTicketRefreshSchema = z
  .object({ refreshToken: z.string().min(1).max(200) })
  .openapi("AppAuthTicketRefresh");

export const AppAuthTicketSchema = z
  .object({
    accessToken: z.string(),
    accessTokenExpiration: dateTime(),
    refreshToken: z.string(),
    refreshTokenExpiration: dateTime(),
  })
  .openapi("AppAuthTicket");

export const SiteSchema = z
  .object({ id: int32(), tenantId: int32(), name: z.string() })
  .openapi("Site");

export const TenantSchema = z
  .object({
    id: int32(),
    name: z.string(),
    domain: z.string().optional(),
    isDevTenant: z.boolean().optional(),
    sites: z.array(SiteSchema).optional(),
  })
  .openapi("Tenant");

export const createApplicationTokenRoute = createRoute({
  method: "post",
  path: "/api/platform/applications/authtickets/oauth",
  operationId: "createApplicationToken",
  security: [],
  request: {
    query: ResponseFieldsQuery,
    body: {
      required: true,
      content: { "application/json": { schema: OAuthTokenRequestSchema } },
    },
  },
  responses: {
    200: jsonResponse(
      OAuthTokenResponseSchema,
      "The credentials are valid; here is an application token.",
    ),
    ...errorResponses(400, 401, 413, 415, 500, 503),
  },
});

// The same exchange in the form of Kibo's older SDKs (camelCase, x-vol-app-claims).
export const createAppAuthTicketRoute = createRoute({
  method: "post",
  path: "/api/platform/applications/authtickets",
  operationId: "createAppAuthTicket",
  security: [],
  request: {
    query: ResponseFieldsQuery,
    body: {
      required: true,
      content: { "application/json": { schema: AppAuthInfoSchema } },
    },
  },
  responses: {
    200: jsonResponse(
      AppAuthTicketSchema,
      "The credentials are valid; here is an application ticket.",
    ),
    ...errorResponses(400, 401, 413, 415, 500, 503),
  },
});

export const refreshAppAuthTicketRoute = createRoute({
  method: "put",
  path: "/api/platform/applications/authtickets/refresh-ticket",
  operationId: "refreshAppAuthTicket",
  security: [],
  request: {
    query: ResponseFieldsQuery,
    body: {
      required: true,
      content: { "application/json": { schema: AppAuthTicketRefreshSchema } },
    },
  },
  responses: {
    200: jsonResponse(
      AppAuthTicketSchema,
      "The refresh token was valid; here is a new application ticket.",
    ),
    ...errorResponses(400, 401, 413, 415, 500, 503),
  },
});

export const getTenantRoute = createRoute({
  method: "get",
  path: "/api/platform/tenants/{tenantId}",
  operationId: "getTenant",
  security: APP_TOKEN_SECURITY,
  request: {
    params: z.object({
      tenantId: z.coerce
        .number()
        .pipe(int32().min(1))
        .openapi({
          type: "integer",
          format: "int32",
          minimum: 1,
          param: { name: "tenantId", in: "path", required: true },
        }),
    }),
    query: ResponseFieldsQuery,
  },
  responses: {
    200: jsonResponse(TenantSchema, "The tenant."),
    ...errorResponses(400, 401, 403, 404, 500, 503),
  },
});
