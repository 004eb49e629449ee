// The type of the methods createClient() hands out: openapi-fetch's, with the request options
// checked exactly. openapi-fetch infers the options object as a type parameter, and an inferred
// object literal escapes excess-property checks, so a misspelled optional body field compiles
// as soon as the required ones are present (openapi-ts/openapi-typescript#1769, #2329). Here
// the options are typed from the path and method alone, so every literal is checked against the
// spec, at any depth. The runtime is openapi-fetch's, unchanged.
import type { Client, FetchOptions, FetchResponse, Middleware } from "openapi-fetch";

export type HttpMethod = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";

/** The paths of `Paths` that have an operation for `Method`. */
export type PathsWithMethod<Paths, Method extends HttpMethod> = {
  [P in keyof Paths]: Paths[P] extends { [M in Method]: unknown } ? P : never;
}[keyof Paths];

/** The keys of `T` that are not optional. */
type RequiredKeysOf<T> = {
  [K in keyof T]-?: Partial<Pick<T, K>> extends Pick<T, K> ? never : K;
}[keyof T];

/**
 * The options of one operation: `params`, `body`, `headers` and the other openapi-fetch and
 * RequestInit options. `parseAs` is left out: the answer is always JSON, as the spec says.
 */
export type RequestOptionsFor<Operation> = Omit<FetchOptions<Operation>, "parseAs">;

/** The options argument, optional when the operation has no required parameter or body. */
type OptionsArgs<Operation> =
  RequiredKeysOf<RequestOptionsFor<Operation>> extends never
    ? [options?: RequestOptionsFor<Operation>]
    : [options: RequestOptionsFor<Operation>];

/** The operation `Method` of path `P`. */
type OperationOf<Paths, P extends keyof Paths, Method extends HttpMethod> =
  Paths[P] extends Record<Method, infer Operation> ? Operation : never;

/** What a call resolves to: openapi-fetch's `{ data, error, response }`. */
export type CallResult<Operation> =
  Operation extends Record<string | number, unknown>
    ? FetchResponse<Operation, object, `${string}/${string}`>
    : never;

/** One HTTP method of a client, such as `client.POST(path, options)`. */
export type TypedMethod<Paths, Method extends HttpMethod> = <
  P extends PathsWithMethod<Paths, Method>,
>(
  path: P,
  ...options: OptionsArgs<OperationOf<Paths, P, Method>>
) => Promise<CallResult<OperationOf<Paths, P, Method>>>;

/** A client of the operations in `Paths`, one method per HTTP verb. */
export interface TypedClient<Paths> {
  GET: TypedMethod<Paths, "get">;
  PUT: TypedMethod<Paths, "put">;
  POST: TypedMethod<Paths, "post">;
  DELETE: TypedMethod<Paths, "delete">;
  OPTIONS: TypedMethod<Paths, "options">;
  HEAD: TypedMethod<Paths, "head">;
  PATCH: TypedMethod<Paths, "patch">;
  TRACE: TypedMethod<Paths, "trace">;
  /** Registers openapi-fetch middleware. */
  use(...middleware: Middleware[]): void;
  /** Unregisters middleware registered with `use`. */
  eject(...middleware: Middleware[]): void;
}

/**
 * Gives an openapi-fetch client the exact option types. Only the static type changes: every call
 * the narrower signature accepts is one openapi-fetch accepts, and answers the same type.
 */
export function typed<Paths extends {}>(client: Client<Paths>): TypedClient<Paths> {
  // TypeScript cannot relate the two generic signatures; the object is the same either way.
  return client as unknown as TypedClient<Paths>;
}
