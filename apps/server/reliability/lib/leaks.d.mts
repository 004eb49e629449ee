// Types of leaks.mjs.
export const SECRET_SHAPES: [string, RegExp][];
export interface Leak {
  source: string;
  line: string;
  what: string;
}
export class SecretLedger {
  readonly values: Set<string>;
  add<T>(value: T): T;
  addTokens<T>(body: T): T;
  leaks(
    sources: { name: string; lines: readonly string[] }[],
    allow?: (line: string) => boolean,
  ): Leak[];
}
export function errorBodyProblems(text: string): string[];
