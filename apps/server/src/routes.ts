// Every operation the server implements, in one list: the router's path canonicaliser, the
// emitted OpenAPI document and the drift guard all start from it.
import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import { addAccountAndLoginRoute, getAccountRoute } from "./accounts/accounts.routes.js";
import {
  getHealthRoute,
  getJsonWebKeySetRoute,
  getReadinessRoute,
} from "./operations/operations.routes.js";
import {
  createAppAuthTicketRoute,
  createApplicationTokenRoute,
  getTenantRoute,
  refreshAppAuthTicketRoute,
} from "./platform/platform.routes.js";
import {
  createUserAuthTicketRoute,
  deleteUserAuthTicketRoute,
  refreshUserAuthTicketRoute,
} from "./sessions/sessions.routes.js";

export const ROUTES: RouteConfig[] = [
  addAccountAndLoginRoute,
  getAccountRoute,
  createUserAuthTicketRoute,
  refreshUserAuthTicketRoute,
  deleteUserAuthTicketRoute,
  createApplicationTokenRoute,
  createAppAuthTicketRoute,
  refreshAppAuthTicketRoute,
  getTenantRoute,
  getJsonWebKeySetRoute,
  getHealthRoute,
  getReadinessRoute,
];

// biome-ignore lint/suspicious/noExplicitAny: any OpenAPIHono, whatever its environment
export function registerSecuritySchemes(app: OpenAPIHono<any>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "appToken", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "appClaims", {
    type: "apiKey",
    in: "header",
    name: "x-vol-app-claims",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "customerToken", {
    type: "http",
    scheme: "bearer",
  });
}

/** The document the app emits, in the shape openapi.yaml is written in (3.1). */
// biome-ignore lint/suspicious/noExplicitAny: any OpenAPIHono, whatever its environment
export function emittedDocument(app: OpenAPIHono<any>) {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "Kibo customer sign-up API", version: "1.0.0" },
  });
}
