// Types of sign-up-oracle.mjs.
export interface SignUpKeys {
  email: string;
  userName: string;
}
export interface ExpectedAnswer {
  status: number;
  /** For 400 and 409: the names additionalErrorData may give (any one of them). */
  fields?: string[];
}
export function createSignUpOracle(rules: {
  uniquenessKey: (value: string) => string;
  caps: { access: number; refresh: number };
  bodyLimit: number;
}): {
  // biome-ignore lint/suspicious/noExplicitAny: generated bodies, any shape the schema allows
  keysOf(body: any): SignUpKeys;
  // biome-ignore lint/suspicious/noExplicitAny: generated bodies, any shape the schema allows
  predict(body: any): ExpectedAnswer;
  // biome-ignore lint/suspicious/noExplicitAny: generated bodies, any shape the schema allows
  taken(body: any): void;
};
