// Small zod builders that emit exactly what openapi.yaml writes for Kibo's common field kinds.
import { z } from "@hono/zod-openapi";

/**
 * int32 that validates the range and is documented as `integer`/`int32`. Built from z.int()
 * rather than z.int32(): overriding the emitted `type` would also drop `null` and bounds added
 * later (.nullable(), .min()), so only `format` is set here.
 */
export const int32 = () =>
  z
    .int()
    .min(-(2 ** 31))
    .max(2 ** 31 - 1)
    .openapi({ format: "int32" });

/**
 * No U+0000 in stored text: PostgreSQL's text type cannot hold it, so the spec says so and a
 * request carrying one gets 400 instead of reaching the database.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
export const NO_NUL = /^[^\u0000]*$/;

/** A nullable, optional string with a maximum length (Kibo: "every string is nullable"). */
export const text = (maxLength?: number) =>
  (maxLength === undefined ? z.string() : z.string().max(maxLength))
    .regex(NO_NUL)
    .nullable()
    .optional();

/**
 * An RFC 3339 date-time as this server writes it (upper-case T and Z, colon in the offset).
 * The same pattern stands in openapi.yaml beside `format: date-time`, so both sides accept
 * exactly the same strings.
 */
export const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
export const dateTime = () => z.string().regex(DATE_TIME).openapi({ format: "date-time" });

/**
 * Email addresses as the spec states them: a pattern inside what JSON Schema's `format: email`
 * accepts, so that the server and any spec-driven validator agree on every address.
 */
export const EMAIL =
  /^[A-Za-z0-9_'+-]+(\.[A-Za-z0-9_'+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export const nullableBoolean = () => z.boolean().nullable().optional();
