// Add-Account-And-Login and the account read, as openapi.yaml declares them.
import { createRoute, z } from "@hono/zod-openapi";
import {
  APP_OR_SHOPPER_SECURITY,
  APP_TOKEN_SECURITY,
  errorResponses,
  jsonResponse,
  ResponseFieldsQuery,
  TenantSiteHeaders,
} from "../http/openapi-parts.js";
import { int32 } from "../http/schema-helpers.js";
import {
  CustomerAccountAndAuthInfoSchema,
  CustomerAccountSchema,
  CustomerAuthTicketSchema,
} from "./accounts.schemas.js";

export const addAccountAndLoginRoute = createRoute({
  method: "post",
  path: "/api/commerce/customer/accounts/Add-Account-And-Login",
  operationId: "addAccountAndLogin",
  security: APP_TOKEN_SECURITY,
  request: {
    query: ResponseFieldsQuery,
    headers: TenantSiteHeaders,
    body: {
      required: true,
      content: { "application/json": { schema: CustomerAccountAndAuthInfoSchema } },
    },
  },
  responses: {
    200: jsonResponse(
      CustomerAuthTicketSchema,
      "The account was created and the shopper is logged in.",
    ),
    ...errorResponses(400, 401, 403, 409, 413, 415, 429, 500, 503),
  },
});

export const getAccountRoute = createRoute({
  method: "get",
  path: "/api/commerce/customer/accounts/{accountId}",
  operationId: "getAccount",
  security: APP_OR_SHOPPER_SECURITY,
  request: {
    params: z.object({
      accountId: z.coerce
        .number()
        .pipe(int32())
        .openapi({
          type: "integer",
          format: "int32",
          param: { name: "accountId", in: "path", required: true },
        }),
    }),
    query: ResponseFieldsQuery.extend({
      responseGroups: z.string().max(200).optional(),
      userId: z.string().max(55).optional(),
    }),
    headers: TenantSiteHeaders,
  },
  responses: {
    200: jsonResponse(CustomerAccountSchema, "The account."),
    ...errorResponses(400, 401, 403, 404, 500, 503),
  },
});
