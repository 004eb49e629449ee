// Types of hostile.mjs.
import type { CryptoKey, JWK } from "jose";

export const PASSWORD: string;

export interface BodyEntry {
  name: string;
  /** The account this body would create, when it names one. */
  email: string | undefined;
  body: string | Uint8Array;
  /** null: no Content-Type header at all. */
  contentType: string | null;
  expect: number[];
  /** The field additionalErrorData must name when the answer is 400. */
  field?: string;
  /** True when the account must exist afterwards; false when it must not. */
  stored: boolean;
  /** When answered 200: the field of the stored account that must read back exactly. */
  readBack?: { field: string; value: string };
  /** Needs a server whose BODY_LIMIT_BYTES is at least this. */
  needsBodyLimit?: number;
  /** Sends keys that would pollute Object.prototype if merged carelessly. */
  pollution?: boolean;
}
export function bodyCatalogue(options: {
  freshEmail: () => string;
  bodyLimitBytes?: number;
}): BodyEntry[];

export interface TokenEntry {
  name: string;
  authorization: string | undefined;
  expect: number[];
  control: boolean;
}
export function tokenCatalogue(options: {
  validToken: string;
  privateKey: CryptoKey | Uint8Array;
  kid: string;
  publicJwk: JWK | Record<string, unknown>;
  shopper?: { jwtAccessToken: string; accessToken: string };
}): Promise<TokenEntry[]>;

export interface RawEntry {
  name: string;
  email: string | undefined;
  bytes: Uint8Array;
  expect: number[];
}
export interface CutShortEntry {
  name: string;
  email: string;
  /** The request's x-vol-correlation, which names its log line. */
  correlationId: string;
  bytes: Uint8Array;
}
export function cutShortCatalogue(options: {
  authorization: string;
  freshEmail: () => string;
  correlationId: string;
}): CutShortEntry[];
export function rawCatalogue(options: {
  authorization: string;
  freshEmail: () => string;
  bodyLimitBytes: number;
}): RawEntry[];
