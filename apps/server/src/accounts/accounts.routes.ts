// Add-Account-And-Login, as openapi.yaml declares it.
import { createRoute } from "@hono/zod-openapi";
import {
  APP_TOKEN_SECURITY,
  errorResponses,
  jsonResponse,
  ResponseFieldsQuery,
  TenantSiteHeaders,
} from "../http/openapi-parts.js";
import { CustomerAccountAndAuthInfoSchema, CustomerAuthTicketSchema } from "./accounts.schemas.js";

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
    ...errorResponses(400, 401, 403, 409, 413, 415, 500),
  },
});
