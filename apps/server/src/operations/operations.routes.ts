// Probes and the public signing keys, served at the site root (not under /api).
import { createRoute, z } from "@hono/zod-openapi";
import { CorrelationHeaders, errorResponses, jsonResponse } from "../http/openapi-parts.js";

export const HealthStatusSchema = z
  .object({ status: z.enum(["ok", "unavailable"]) })
  .openapi("HealthStatus");

export const JsonWebKeySchema = z
  .object({
    kty: z.enum(["EC"]),
    crv: z.enum(["P-256"]),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.enum(["ES256"]),
    use: z.enum(["sig"]),
  })
  .openapi("JsonWebKey");

export const JsonWebKeySetSchema = z
  .object({ keys: z.array(JsonWebKeySchema) })
  .openapi("JsonWebKeySet");

export const getJsonWebKeySetRoute = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  operationId: "getJsonWebKeySet",
  security: [],
  responses: {
    200: jsonResponse(JsonWebKeySetSchema, "The current public signing keys."),
    ...errorResponses(500, 503),
  },
});

export const getHealthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  security: [],
  responses: { 200: jsonResponse(HealthStatusSchema, "The process is alive.") },
});

export const getReadinessRoute = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  security: [],
  responses: {
    200: jsonResponse(HealthStatusSchema, "The service can take traffic."),
    503: {
      description: "The database does not answer.",
      headers: CorrelationHeaders,
      content: { "application/json": { schema: HealthStatusSchema } },
    },
  },
});
