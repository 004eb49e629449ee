// Route building blocks shared by every operation: the correlation header, Kibo error
// responses, responseFields and the optional tenant/site headers.
import { z } from "@hono/zod-openapi";
import { KiboErrorSchema } from "./error-schema.js";
import { int32 } from "./schema-helpers.js";

export const CorrelationHeaders = z.object({
  "x-vol-correlation": z.string().min(1).max(128),
});

const ERROR_DESCRIPTIONS = {
  400: "The request is malformed or breaks a rule.",
  401: "The application token is missing or invalid.",
  403: "The application may not do this.",
  404: "No such item.",
  409: "The email address or user name is already taken.",
  413: "The request body is too large.",
  415: "The request body is not JSON.",
  429: "Too many attempts; wait Retry-After seconds.",
  500: "Something failed on the server.",
  503: "The service cannot take the request now.",
} as const;
type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

const RetryHeaders = CorrelationHeaders.extend({
  "Retry-After": z.int().min(1),
});

const ChallengeHeaders = CorrelationHeaders.extend({
  "WWW-Authenticate": z.string().optional(),
});

const headersFor = (status: ErrorStatus) =>
  status === 429 || status === 503
    ? RetryHeaders
    : status === 401
      ? ChallengeHeaders
      : CorrelationHeaders;

const errorResponse = (status: ErrorStatus) => ({
  description: ERROR_DESCRIPTIONS[status],
  headers: headersFor(status),
  content: { "application/json": { schema: KiboErrorSchema } },
});

export function errorResponses<const S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse(status)])) as {
    [K in S]: ReturnType<typeof errorResponse>;
  };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return {
    description,
    headers: CorrelationHeaders,
    content: { "application/json": { schema } },
  };
}

export const ResponseFieldsQuery = z.object({
  responseFields: z.string().max(2000).optional(),
});

export const TenantSiteHeaders = z.object({
  "x-vol-tenant": z.coerce
    .number()
    .pipe(int32())
    .optional()
    .openapi({ type: "integer", format: "int32" }),
  "x-vol-site": z.coerce
    .number()
    .pipe(int32())
    .optional()
    .openapi({ type: "integer", format: "int32" }),
});

/** An application token, as a bearer token or (older Kibo SDKs) in x-vol-app-claims. */
export const APP_TOKEN_SECURITY: Record<string, string[]>[] = [{ appToken: [] }, { appClaims: [] }];
/** Either an application token or the shopper's own access token. */
export const APP_OR_SHOPPER_SECURITY: Record<string, string[]>[] = [
  { appToken: [] },
  { appClaims: [] },
  { customerToken: [] },
];
