// Types of schema-arbitrary.mjs, for the TypeScript tests that share it with the script.
import type { ErrorObject } from "ajv";
import type { Arbitrary } from "fast-check";

export interface RequestOracle {
  /** Whether the spec's schema at `ref` (such as `#/components/schemas/X`) accepts `value`. */
  validate(ref: string, value: unknown): { ok: boolean; errors: ErrorObject[] };
}
export function createRequestOracle(spec: unknown): RequestOracle;

export function codePoints(value: string): number;
export function commonEmail(): Arbitrary<string>;
export function commonDateTime(): Arbitrary<string>;
export function anyText(
  minLength: number,
  maxLength: number,
  unit?: Arbitrary<string>,
): Arbitrary<string>;

export interface InvalidBody {
  body: unknown;
  /** What was broken, for people: "longer than maxLength 100". */
  mutation: string;
  /** The broken field as the server names it in additionalErrorData ("body" for the whole). */
  path: string;
}

export interface SchemaArbitraryOptions {
  /** Longest array generated (the spec's maxItems still applies); 3 by default. */
  maxArrayItems?: number;
  /** Longest string where the spec sets no maxLength; 40 by default. */
  maxUnboundedLength?: number;
  email?: Arbitrary<string>;
  dateTime?: Arbitrary<string>;
  /** Add unknown properties now and then (the schemas leave objects open); true by default. */
  extraProperties?: boolean;
  /** Top-level properties always sent, never null (a subset of the valid values). */
  always?: string[];
  /** Top-level properties never sent. */
  never?: string[];
}

export function schemaArbitraries(
  spec: unknown,
  ref: string,
  options?: SchemaArbitraryOptions,
): { valid(): Arbitrary<unknown>; invalid(): Arbitrary<InvalidBody> };
