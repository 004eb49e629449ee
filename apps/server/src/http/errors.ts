// Named domain errors (one per failure) and the single function that maps any error to a
// status and Kibo's error body. Services and the HTTP layer throw these (the 405 is answered
// with one, unthrown); nothing else builds error responses.
import type { ErrorCode, KiboErrorBody } from "./error-schema.js";

export interface FieldProblem {
  /** The offending field's path, such as `account.emailAddress`. */
  name: string;
  value: string;
}

export abstract class ApiError extends Error {
  abstract readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503;
  abstract readonly errorCode: ErrorCode;
  readonly problems: FieldProblem[];
  /** Seconds, sent as Retry-After with 429 and 503. */
  retryAfterSeconds: number | undefined;
  constructor(message: string, problems: FieldProblem[] = []) {
    super(message);
    this.problems = problems;
  }
}

export class InvalidParameterError extends ApiError {
  override name = "InvalidParameterError";
  readonly status = 400;
  readonly errorCode = "MISSING_OR_INVALID_PARAMETER";
}

export class UnauthorizedError extends ApiError {
  override name = "UnauthorizedError";
  readonly status = 401;
  readonly errorCode = "UNAUTHORIZED";
  /** Sent as WWW-Authenticate when the bearer token itself was refused (RFC 6750). */
  challenge: string | undefined;
}

/**
 * The bearer token was missing or refused, as opposed to a shopper's password or refresh token:
 * the WWW-Authenticate challenge tells a client that a fresh application token may help.
 */
export class BearerTokenError extends UnauthorizedError {
  override name = "BearerTokenError";
  constructor(message: string, missing = false) {
    super(message);
    this.challenge = missing
      ? 'Bearer realm="kibo-auth"'
      : 'Bearer realm="kibo-auth", error="invalid_token"';
  }
}

export class ForbiddenError extends ApiError {
  override name = "ForbiddenError";
  readonly status = 403;
  readonly errorCode = "FORBIDDEN";
}

/** The right password for a locked account: told only to whoever knows the password. */
export class AccountLockedError extends ApiError {
  override name = "AccountLockedError";
  readonly status = 403;
  readonly errorCode = "ACCOUNT_LOCKED";
}

export class NotFoundError extends ApiError {
  override name = "NotFoundError";
  readonly status = 404;
  readonly errorCode = "ITEM_NOT_FOUND";
}

/** The path has operations, none for this method; `allow` names the methods it has. */
export class MethodNotAllowedError extends ApiError {
  override name = "MethodNotAllowedError";
  readonly status = 405;
  readonly errorCode = "METHOD_NOT_ALLOWED";
  constructor(
    message: string,
    readonly allow: string,
  ) {
    super(message);
  }
}

export class ConflictError extends ApiError {
  override name = "ConflictError";
  readonly status = 409;
  readonly errorCode = "VALIDATION_CONFLICT";
}

export class PayloadTooLargeError extends ApiError {
  override name = "PayloadTooLargeError";
  readonly status = 413;
  readonly errorCode = "REQUEST_ENTITY_TOO_LARGE";
}

export class UnsupportedMediaTypeError extends ApiError {
  override name = "UnsupportedMediaTypeError";
  readonly status = 415;
  readonly errorCode = "UNSUPPORTED_MEDIA_TYPE";
}

export class TooManyRequestsError extends ApiError {
  override name = "TooManyRequestsError";
  readonly status = 429;
  readonly errorCode = "TOO_MANY_REQUESTS";
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The database does not answer, or the hashing queue is full: nothing was changed. */
export class ServiceUnavailableError extends ApiError {
  override name = "ServiceUnavailableError";
  readonly status = 503;
  readonly errorCode = "SERVICE_UNAVAILABLE";
  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class UnexpectedError extends ApiError {
  override name = "UnexpectedError";
  readonly status = 500;
  readonly errorCode = "UNEXPECTED_ERROR";
}

export function errorBody(error: ApiError, applicationName: string): KiboErrorBody {
  return {
    message: error.message,
    errorCode: error.errorCode,
    applicationName,
    additionalErrorData: error.problems.map(({ name, value }) => ({ name, value })),
    items: [],
    exceptionDetail: null,
  };
}

/** Anything that is not an ApiError is a bug or an outage: never show its message or stack. */
export function toApiError(error: unknown, isOutage: (error: unknown) => boolean): ApiError {
  if (error instanceof ApiError) return error;
  if (isOutage(error)) {
    return new ServiceUnavailableError(
      "The database is not available right now; nothing was changed.",
      2,
    );
  }
  return new UnexpectedError(
    "An unexpected error occurred. Quote the x-vol-correlation header when reporting it.",
  );
}
