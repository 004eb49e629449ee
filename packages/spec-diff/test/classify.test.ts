// The rules on their own: each row is one edit, judged in a request and in a response.
import { describe, expect, it } from "vitest";
import {
  boundChange,
  branchChange,
  enumChange,
  formatChange,
  opennessChange,
  typeChange,
  visibilityChange,
} from "../src/classify.js";
import type { Classification } from "../src/types.js";

type Both = { request: Classification; response: Classification };
const BREAKS_REQUEST: Both = { request: "breaking", response: "non-breaking" };
const BREAKS_RESPONSE: Both = { request: "non-breaking", response: "breaking" };
const BREAKS_BOTH: Both = { request: "breaking", response: "breaking" };

describe("typeChange", () => {
  it.each([
    { given: ["string", ["string", "null"]], want: BREAKS_RESPONSE, change: "nullability added" },
    { given: [["string", "null"], "string"], want: BREAKS_REQUEST, change: "nullability removed" },
    {
      given: ["integer", "number"],
      want: BREAKS_RESPONSE,
      change: "type widened: integer -> number",
    },
    {
      given: ["number", "integer"],
      want: BREAKS_REQUEST,
      change: "type narrowed: number -> integer",
    },
    { given: ["integer", "string"], want: BREAKS_BOTH, change: "type changed: integer -> string" },
    { given: [undefined, "string"], want: BREAKS_REQUEST, change: "type narrowed: any -> string" },
  ])("$given.0 -> $given.1: $change", ({ given: [was, now], want, change }) => {
    for (const direction of ["request", "response"] as const) {
      const verdict = typeChange({ type: was }, { type: now }, direction);
      expect(verdict).toMatchObject({ classification: want[direction], change });
    }
  });

  it("sees no change in a reordered type array", () => {
    expect(typeChange({ type: ["null", "string"] }, { type: ["string", "null"] }, "request")).toBe(
      undefined,
    );
  });
});

describe("enumChange", () => {
  it.each([
    { given: [["a"], ["a", "b"]], want: BREAKS_RESPONSE, change: "enum values added: b" },
    { given: [["a", "b"], ["a"]], want: BREAKS_REQUEST, change: "enum values removed: b" },
    {
      given: [
        ["a", "b"],
        ["a", "c"],
      ],
      want: BREAKS_BOTH,
      change: "enum values replaced: removed b; added c",
    },
    { given: [undefined, ["a"]], want: BREAKS_REQUEST, change: "enum added: a" },
    { given: [["a"], undefined], want: BREAKS_RESPONSE, change: "enum removed (was a)" },
  ])("$change", ({ given: [was, now], want, change }) => {
    for (const direction of ["request", "response"] as const) {
      expect(enumChange({ enum: was }, { enum: now }, direction)).toMatchObject({
        classification: want[direction],
        change,
      });
    }
  });
});

describe("formatChange, boundChange, opennessChange, branchChange, visibilityChange", () => {
  it.each([
    { args: ["replace", "int32", "int64"], want: BREAKS_RESPONSE },
    { args: ["replace", "int64", "int32"], want: BREAKS_REQUEST },
    { args: ["replace", "date-time", "date"], want: BREAKS_BOTH },
    { args: ["add", undefined, "email"], want: BREAKS_REQUEST },
  ] as const)("format $args", ({ args: [action, before, after], want }) => {
    for (const direction of ["request", "response"] as const) {
      expect(formatChange(action, before, after, direction).classification).toBe(want[direction]);
    }
  });

  it.each([
    { given: ["maxLength", "replace", 100, 50], want: BREAKS_REQUEST },
    { given: ["maxLength", "replace", 100, 200], want: BREAKS_RESPONSE },
    { given: ["minimum", "replace", 1, 5], want: BREAKS_REQUEST },
    { given: ["maxItems", "remove", 20, undefined], want: BREAKS_RESPONSE },
    { given: ["pattern", "add", undefined, "^a"], want: BREAKS_REQUEST },
    { given: ["pattern", "replace", "^a", "^b"], want: BREAKS_BOTH },
    { given: ["multipleOf", "replace", 2, 4], want: BREAKS_REQUEST },
    { given: ["uniqueItems", "add", undefined, true], want: BREAKS_REQUEST },
  ] as const)(
    "$given.0 $given.1 $given.2 -> $given.3",
    ({ given: [keyword, action, before, after], want }) => {
      for (const direction of ["request", "response"] as const) {
        expect(boundChange(keyword, action, before, after, direction)?.classification).toBe(
          want[direction],
        );
      }
    },
  );

  it("breaks a request when the object closes, and never a response", () => {
    expect(
      opennessChange("additionalProperties", "add", undefined, false, "request")?.classification,
    ).toBe("breaking");
    expect(
      opennessChange("additionalProperties", "add", undefined, false, "response")?.classification,
    ).toBe("non-breaking");
    expect(
      opennessChange("additionalProperties", "remove", false, undefined, "response")
        ?.classification,
    ).toBe("non-breaking");
  });

  it("reads an anyOf null branch as nullability", () => {
    expect(branchChange("anyOf", "add", undefined, { type: "null" }, "response")).toMatchObject({
      classification: "breaking",
      change: "nullability added (anyOf null)",
    });
    expect(branchChange("allOf", "add", undefined, { required: ["x"] }, "request")).toMatchObject({
      classification: "breaking",
      change: "allOf branch added",
    });
  });

  it("breaks the direction that loses a readOnly or writeOnly property", () => {
    expect(visibilityChange("readOnly", "add", true, "request").classification).toBe("breaking");
    expect(visibilityChange("readOnly", "add", true, "response").classification).toBe(
      "non-breaking",
    );
    expect(visibilityChange("writeOnly", "add", true, "response").classification).toBe("breaking");
  });
});
