// Shopper log-in, refresh and log-out, as openapi.yaml declares them.
import { createRoute, z } from "@hono/zod-openapi";
import { CustomerAuthTicketSchema, SessionRequestFields } from "../accounts/accounts.schemas.js";
import {
  APP_TOKEN_SECURITY,
  CorrelationHeaders,
  errorResponses,
  jsonResponse,
  ResponseFieldsQuery,
  TenantSiteHeaders,
} from "../http/openapi-parts.js";
import { int32, NO_NUL } from "../http/schema-helpers.js";

export const CustomerUserAuthInfoSchema = z
  .object({
    username: z.string().min(1).max(254).regex(NO_NUL),
    password: z.string().min(1).max(1024),
    accountId: int32().nullable().optional(),
    ...SessionRequestFields,
  })
  .openapi("CustomerUserAuthInfo");

const RefreshTokenParam = z.string().min(1).max(200);

export const createUserAuthTicketRoute = createRoute({
  method: "post",
  path: "/api/commerce/customer/authtickets",
  operationId: "createUserAuthTicket",
  security: APP_TOKEN_SECURITY,
  request: {
    query: ResponseFieldsQuery,
    headers: TenantSiteHeaders,
    body: {
      required: true,
      content: { "application/json": { schema: CustomerUserAuthInfoSchema } },
    },
  },
  responses: {
    200: jsonResponse(
      CustomerAuthTicketSchema,
      "A new session (or a request for a second factor).",
    ),
    ...errorResponses(400, 401, 403, 413, 415, 429, 500, 503),
  },
});

export const refreshUserAuthTicketRoute = createRoute({
  method: "put",
  path: "/api/commerce/customer/authtickets/refresh",
  operationId: "refreshUserAuthTicket",
  security: APP_TOKEN_SECURITY,
  request: {
    query: ResponseFieldsQuery.extend({
      refreshToken: RefreshTokenParam,
      accountId: z.coerce
        .number()
        .pipe(int32())
        .optional()
        .openapi({ type: "integer", format: "int32" }),
    }),
    headers: TenantSiteHeaders,
  },
  responses: {
    200: jsonResponse(CustomerAuthTicketSchema, "A new session of the same family."),
    ...errorResponses(400, 401, 500, 503),
  },
});

export const deleteUserAuthTicketRoute = createRoute({
  method: "delete",
  path: "/api/commerce/customer/authtickets",
  operationId: "deleteUserAuthTicket",
  security: APP_TOKEN_SECURITY,
  request: {
    query: z.object({ refreshToken: RefreshTokenParam }),
    headers: TenantSiteHeaders,
  },
  responses: {
    204: {
      description: "The session is revoked (or was already gone).",
      headers: CorrelationHeaders,
    },
    ...errorResponses(400, 401, 500, 503),
  },
});
