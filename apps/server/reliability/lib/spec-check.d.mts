// Types of spec-check.mjs.
export const SPEC_PATH: string;
export const META_ROUTE: RegExp;
export function loadSpec(path?: string): Record<string, unknown>;
export function bodyOf(text: string, headers: Headers): { body: unknown; problem?: string };

export interface ObservedResponse {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  /** Parsed when the content type says JSON (bodyOf). */
  body: unknown;
}
export interface SpecOperation {
  id: string;
  method: string;
  pattern: RegExp;
  responses: Record<string, unknown>;
}
export interface SpecChecker {
  operations: SpecOperation[];
  /** The problems with one response; empty when it matches the spec. */
  check(observed: ObservedResponse): string[];
}
export function createSpecChecker(spec?: Record<string, unknown>): SpecChecker;
