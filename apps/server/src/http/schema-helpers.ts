// Small zod builders that emit exactly what openapi.yaml writes for Kibo's common field kinds.
import { z } from "@hono/zod-openapi";

/** int32 that validates the range and is documented as `integer`/`int32`. */
export const int32 = () => z.int32().openapi({ type: "integer", format: "int32" });

/** A nullable, optional string with a maximum length (Kibo: "every string is nullable"). */
export const text = (maxLength?: number) =>
  (maxLength === undefined ? z.string() : z.string().max(maxLength)).nullable().optional();

/** An RFC 3339 date-time with any offset. */
export const dateTime = () => z.iso.datetime({ offset: true });

export const nullableBoolean = () => z.boolean().nullable().optional();
