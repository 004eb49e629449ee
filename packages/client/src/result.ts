// Errors as values: turns openapi-fetch's `{ data, error, response }` into a result whose error
// always carries the HTTP status, the documented error body (KiboError) and the correlation id.
import type { components } from "@kibo-auth/api-types";

/** Kibo's error body, as every error of the API answers it. */
export type KiboError = components["schemas"]["KiboError"];

/** The response header that names the request in the server's logs. */
export const CORRELATION_HEADER = "x-vol-correlation";

/**
 * A non-2xx answer. Returned (not thrown) by {@link toResult}; it extends `Error` only so that a
 * caller who wants to throw it gets a message and a stack.
 *
 * `Body` is the operation's documented error body: `KiboError` for every operation but the
 * readiness probe. It is `undefined` when the answer had no body or a body that is not JSON
 * (an HTML page from a proxy, say); `text` then holds what came.
 */
export class ApiError<Body = KiboError> extends Error {
  override readonly name = "ApiError";
  /** The HTTP status, such as 409. */
  readonly status: number;
  /** The parsed error body, when the server answered JSON. */
  readonly body: Body | undefined;
  /** The `x-vol-correlation` header: quote it when reporting a problem. */
  readonly correlationId: string | undefined;
  /** The raw body when it was not JSON (empty string for no body). */
  readonly text: string | undefined;

  constructor(init: {
    status: number;
    body: Body | undefined;
    correlationId: string | undefined;
    text?: string | undefined;
  }) {
    super(messageOf(init.status, init.body, init.text));
    this.status = init.status;
    this.body = init.body;
    this.correlationId = init.correlationId;
    this.text = init.text;
  }
}

/** What {@link toResult} answers: exactly one of `data` and `error` is set. */
export type ApiResult<Data, ErrorBody = KiboError> =
  | {
      data: Data;
      error?: never;
      status: number;
      correlationId: string | undefined;
      response: Response;
    }
  | {
      data?: never;
      error: ApiError<ErrorBody>;
      status: number;
      correlationId: string | undefined;
      response: Response;
    };

/** The shape of what an openapi-fetch call resolves to. */
export type FetchResult = { data?: unknown; error?: unknown; response: Response };

/** The success body of an openapi-fetch result type. */
export type DataOf<R> = R extends { data: infer D } ? D : never;

/** The documented error body of an openapi-fetch result type. */
export type ErrorBodyOf<R> = R extends { error: infer E } ? E : never;

/**
 * Awaits an openapi-fetch call and answers a result with a typed error:
 *
 * ```ts
 * const result = await toResult(client.POST("/commerce/customer/accounts/Add-Account-And-Login", { body }));
 * if (result.error) result.error.body?.errorCode; // "VALIDATION_CONFLICT" | ...
 * else result.data.accessToken;
 * ```
 *
 * Success is decided by the HTTP status (2xx), not by whether a body came. Network failures
 * are not answers: the promise rejects with fetch's own error, as openapi-fetch does.
 */
export async function toResult<R extends FetchResult>(
  call: R | PromiseLike<R>,
): Promise<ApiResult<DataOf<R>, ErrorBodyOf<R>>> {
  const { data, error, response } = await call;
  const status = response.status;
  const correlationId = response.headers.get(CORRELATION_HEADER) ?? undefined;
  if (response.ok) {
    // openapi-fetch parsed the body with the operation's 2xx type; trust it as it does.
    return { data: data as DataOf<R>, status, correlationId, response };
  }
  // openapi-fetch hands back the parsed JSON, the raw text when JSON.parse failed, or
  // undefined for an empty body. No documented error body is a bare string.
  const parsed = isObject(error);
  return {
    error: new ApiError<ErrorBodyOf<R>>({
      status,
      body: parsed ? (error as ErrorBodyOf<R>) : undefined,
      correlationId,
      text: parsed ? undefined : typeof error === "string" ? error : "",
    }),
    status,
    correlationId,
    response,
  };
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function messageOf(status: number, body: unknown, text: string | undefined): string {
  if (isObject(body) && "message" in body && typeof body.message === "string") {
    const code = "errorCode" in body && typeof body.errorCode === "string" ? body.errorCode : "";
    return code ? `${status} ${code}: ${body.message}` : `${status}: ${body.message}`;
  }
  const excerpt = text?.trim().slice(0, 200);
  return excerpt ? `HTTP ${status}: ${excerpt}` : `HTTP ${status}`;
}
