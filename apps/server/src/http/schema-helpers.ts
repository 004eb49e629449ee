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

/** A nullable, optional string with a maximum length (Kibo: "every string is nullable"). */
export const text = (maxLength?: number) =>
  (maxLength === undefined ? z.string() : z.string().max(maxLength)).nullable().optional();

/** An RFC 3339 date-time with any offset. */
export const dateTime = () => z.iso.datetime({ offset: true });

export const nullableBoolean = () => z.boolean().nullable().optional();
