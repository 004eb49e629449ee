// Kibo's error body, as openapi.yaml's KiboError states it.
import { z } from "@hono/zod-openapi";

export const ErrorCodeSchema = z.enum([
  "MISSING_OR_INVALID_PARAMETER",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "ITEM_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "VALIDATION_CONFLICT",
  "REQUEST_ENTITY_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNEXPECTED_ERROR",
  "ACCOUNT_LOCKED",
  "TOO_MANY_REQUESTS",
  "SERVICE_UNAVAILABLE",
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorDataItemSchema = z
  .object({ name: z.string(), value: z.string().nullable() })
  .openapi("ErrorDataItem");

export const KiboErrorItemSchema = z
  .object({
    applicationName: z.string().nullable().optional(),
    errorCode: z.string(),
    message: z.string(),
    additionalErrorData: z.array(ErrorDataItemSchema).nullable().optional(),
  })
  .openapi("KiboErrorItem");

export const ExceptionDetailSchema = z
  .object({
    message: z.string().nullable().optional(),
    source: z.string().nullable().optional(),
    stackTrace: z.string().nullable().optional(),
    targetSite: z.string().nullable().optional(),
    type: z.string().nullable().optional(),
  })
  .openapi("ExceptionDetail");

export const KiboErrorSchema = z
  .object({
    message: z.string(),
    errorCode: ErrorCodeSchema,
    applicationName: z.string().nullable(),
    additionalErrorData: z.array(ErrorDataItemSchema).nullable(),
    items: z.array(KiboErrorItemSchema).nullable(),
    exceptionDetail: z.union([ExceptionDetailSchema, z.null()]),
  })
  .openapi("KiboError");
export type KiboErrorBody = z.infer<typeof KiboErrorSchema>;
