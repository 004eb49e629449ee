// @kibo-auth/client: a typed client for the Kibo customer-auth API. Requests and responses are
// typed by the generated `@kibo-auth/api-types`; application auth (client credentials -> bearer
// token, cached, renewed, retried once on 401) runs as openapi-fetch middleware; `toResult`
// turns any call into a result whose error carries status, Kibo error body and correlation id;
// createShopperSession keeps a shopper's tokens and refreshes them before they expire.
export type { components, operations, paths } from "@kibo-auth/api-types";
export type { HeadersOptions, Middleware } from "openapi-fetch";
export { type CreateClientOptions, createClient, type KiboClient } from "./create-client.js";
export { type ApiPaths, ROOT_PATHS, type RootPath, type RootPaths } from "./paths.js";
export {
  ApiError,
  type ApiResult,
  CORRELATION_HEADER,
  type DataOf,
  type ErrorBodyOf,
  type FetchResult,
  type KiboError,
  toResult,
} from "./result.js";
export {
  type ActiveTicket,
  type CustomerAccount,
  type CustomerAuthTicket,
  createShopperSession,
  type LogInBody,
  type ReadAccountQuery,
  type SessionResult,
  type ShopperSession,
  ShopperSessionError,
  type ShopperSessionErrorCode,
  type ShopperSessionOptions,
  type ShopperSessionState,
  type SignUpBody,
} from "./shopper-session.js";
export type {
  CallResult,
  HttpMethod,
  PathsWithMethod,
  RequestOptionsFor,
  TypedClient,
  TypedMethod,
} from "./typed-client.js";
