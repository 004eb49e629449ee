// createApp(deps) -> the Hono application. Every dependency comes in through `deps`: no
// module-level state, no environment reads, no listening socket (index.ts does that).
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { getPath } from "hono/utils/url";
import { decodeJwt } from "jose";
import { addAccountAndLogin, getAccount } from "./accounts/accounts.handlers.js";
import { createAccountsRepository } from "./accounts/accounts.repository.js";
import { addAccountAndLoginRoute, getAccountRoute } from "./accounts/accounts.routes.js";
import { createAccountsService } from "./accounts/accounts.service.js";
import { APPLICATION_AUDIENCE, createAppTokens } from "./auth/app-tokens.js";
import type { PasswordHasher } from "./auth/password-hasher.js";
import { JWKS_MAX_AGE_SECONDS, type SigningKeys } from "./auth/signing-keys.js";
import type { Config } from "./config.js";
import { type Db, isDatabaseOutage } from "./db/database.js";
import { createAbuseLimits } from "./http/abuse-limits.js";
import { createPathCanonicaliser } from "./http/canonical-path.js";
import { correlationIdFor } from "./http/correlation.js";
import {
  type ApiError,
  BearerTokenError,
  errorBody,
  InvalidParameterError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  toApiError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "./http/errors.js";
import { createMethodCheck } from "./http/method-not-allowed.js";
import { invalidParameters, mountOperation } from "./http/mount-operation.js";
import type { RateLimiter } from "./http/rate-limit.js";
import { applySelection, parseResponseFields } from "./http/response-fields.js";
import type { AppEnv, AppOpenAPI } from "./http/types.js";
import type { Logger } from "./logger.js";
import { mountDocs } from "./operations/docs.js";
import {
  getHealthRoute,
  getJsonWebKeySetRoute,
  getReadinessRoute,
} from "./operations/operations.routes.js";
import {
  createAppAuthTicket,
  createApplicationToken,
  getTenant,
  refreshAppAuthTicket,
} from "./platform/platform.handlers.js";
import { createPlatformRepository } from "./platform/platform.repository.js";
import {
  createAppAuthTicketRoute,
  createApplicationTokenRoute,
  getTenantRoute,
  refreshAppAuthTicketRoute,
} from "./platform/platform.routes.js";
import { createPlatformService } from "./platform/platform.service.js";
import { ROUTES, registerSecuritySchemes } from "./routes.js";
import {
  createUserAuthTicket,
  deleteUserAuthTicket,
  refreshUserAuthTicket,
} from "./sessions/sessions.handlers.js";
import { createSessionsRepository } from "./sessions/sessions.repository.js";
import {
  createUserAuthTicketRoute,
  deleteUserAuthTicketRoute,
  refreshUserAuthTicketRoute,
} from "./sessions/sessions.routes.js";
import { createSessionsService } from "./sessions/sessions.service.js";

export interface AppDeps {
  config: Readonly<Config>;
  db: Db;
  hasher: PasswordHasher;
  keys: SigningKeys;
  logger: Logger;
  /** The clock every expiry is computed from; tests bring their own. */
  now: () => Date;
  /** openapi.yaml as parsed: served at /openapi.json. */
  openApiDocument: unknown;
  /** Counts sign-up and log-in attempts (in memory, or shared through Redis). */
  limiter: RateLimiter;
}

/** Kibo's error bodies name the part of the platform that answered. */
const APPLICATION_NAME = "Customer";

export function createApp(deps: AppDeps): AppOpenAPI {
  const { config, db, hasher, keys, logger, now } = deps;
  const appTokens = createAppTokens({
    keys,
    issuer: config.tokens.issuer,
    ttlSeconds: config.tokens.appTokenTtlSeconds,
    now,
  });
  const accountsRepository = createAccountsRepository(db);
  const services = {
    accounts: createAccountsService({ repository: accountsRepository, hasher, keys, config, now }),
    sessions: createSessionsService({
      repository: createSessionsRepository(db),
      accounts: accountsRepository,
      hasher,
      keys,
      config,
      now,
    }),
    platform: createPlatformService({ repository: createPlatformRepository(db), appTokens, now }),
  };

  const limits = createAbuseLimits(deps.limiter, config.rateLimits, logger);
  const canonical = createPathCanonicaliser(ROUTES.map((route) => route.path));
  const methods = createMethodCheck(ROUTES);
  const app: AppOpenAPI = new OpenAPIHono<AppEnv>({
    getPath: (request) => canonical(getPath(request)),
    // Bodies are validated by @hono/zod-openapi (parameters by mountOperation): the same error.
    defaultHook: (result) => {
      if (!result.success) throw invalidParameters(result.target, result.error.issues);
    },
  });

  app.use("*", async (c, next) => {
    const started = performance.now();
    const correlationId = correlationIdFor(c.req.header("x-vol-correlation"));
    c.set("correlationId", correlationId);
    c.set("services", services);
    c.set("limits", limits);
    c.set("application", () => {
      throw new BearerTokenError("An application token is required.", true);
    });
    c.set("caller", () => {
      throw new BearerTokenError("A bearer token is required.", true);
    });
    // Served by Node, the header goes on Node's own response: every answer then carries it,
    // and Hono's responses keep a single header of their own (with two or more it builds a
    // fetch Headers object, which alone cost a seventh of a cheap request). In process (tests,
    // app.request) the context carries it. Errors also get it from answerError.
    const outgoing = c.env?.outgoing;
    if (outgoing) outgoing.setHeader("x-vol-correlation", correlationId);
    else c.header("x-vol-correlation", correlationId);
    // A method the path lacks is answered here, before the token is checked, whatever it is.
    const pathMethods = methods.methodsAt(c.req.path);
    c.set("pathMethods", pathMethods);
    const refusal = methods.refusal(c.req.method, pathMethods);
    if (refusal) c.res = answerError(refusal, c);
    else await next();
    logger.info("request", {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      correlationId,
    });
  });

  // A body's size is checked before anything reads it. A request that states its length is
  // judged by that header (Node's HTTP parser holds the body to it); a streamed (chunked) body,
  // or an in-process Request that states none, is counted as it arrives. Only the latter asks
  // for `c.req.raw.body`, which on @hono/node-server builds a whole fetch Request: that alone
  // cost more than the rest of a cheap request.
  const mayHaveBody = (method: string) => method !== "GET" && method !== "HEAD";
  const tooLarge = () => {
    throw new PayloadTooLargeError(
      `The request body is larger than ${config.bodyLimitBytes} bytes.`,
    );
  };
  const countBody = bodyLimit({ maxSize: config.bodyLimitBytes, onError: tooLarge });
  app.use("/api/*", (c, next) => {
    if (!mayHaveBody(c.req.method)) return next();
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) {
      return countBody(c, next);
    }
    if (Number(length) > config.bodyLimitBytes) tooLarge();
    return next();
  });

  // The bearer token is an application token (a JWT for our application audience) or a
  // shopper's own token (jwtAccessToken or opaque accessToken). Kibo's older SDKs send the
  // application token in x-vol-app-claims instead, read only when there is no Authorization
  // header, and only as an application token. Each route then asks for the kind it accepts:
  // c.get("application")() or c.get("caller")().
  const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
    // A path no operation has answers 404, whatever the token: nothing there to protect.
    if (c.get("pathMethods").size === 0) return next();
    const authorization = c.req.header("authorization");
    const appClaims = authorization === undefined ? c.req.header("x-vol-app-claims") : undefined;
    const [scheme, token] =
      appClaims === undefined ? (authorization ?? "").split(" ") : ["bearer", appClaims.trim()];
    if (scheme?.toLowerCase() !== "bearer" || !token) {
      throw new BearerTokenError(
        "A bearer token is required: Authorization: Bearer <token>.",
        true,
      );
    }
    const app =
      appTokens.recall(token) ??
      (appClaims !== undefined || audienceOf(token) === APPLICATION_AUDIENCE
        ? await appTokens.verify(token)
        : undefined);
    if (app) {
      checkTenantHeaders(
        c.req.header("x-vol-tenant"),
        app.tenantId,
        c.req.header("x-vol-site"),
        app.siteId,
      );
      c.set("application", () => app);
      c.set("caller", () => ({ kind: "application", tenantId: app.tenantId }));
    } else {
      const shopper = await services.sessions.authenticateShopper(token);
      checkTenantHeaders(c.req.header("x-vol-tenant"), shopper.tenantId, undefined, undefined);
      c.set("application", () => {
        throw new BearerTokenError("This operation needs an application token, not a shopper's.");
      });
      c.set("caller", () => ({ kind: "shopper", ...shopper }));
    }
    await next();
  };
  app.use("/api/commerce/*", authenticate);
  app.use("/api/platform/tenants/*", authenticate);

  // One middleware for what every operation's request and answer go through after
  // authentication (each layer of Hono's middleware is one more awaited call):
  // - Bytes that are not UTF-8 would be decoded leniently into U+FFFD, so two different
  //   passwords could become one: the body is decoded strictly, once, and the validators parse
  //   that text.
  // - responseFields is parsed before any work (a bad one must not leave an account behind)
  //   and applied last, to the serialised success body.
  const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
  app.use("/api/*", async (c, next) => {
    if (mayHaveBody(c.req.method)) {
      let text: string;
      try {
        text = strictUtf8.decode(await c.req.arrayBuffer());
      } catch (error) {
        if (error instanceof TypeError) {
          throw new InvalidParameterError(
            "Missing or invalid parameter: the body is not valid UTF-8.",
            [{ name: "body", value: "is not valid UTF-8" }],
          );
        }
        throw error;
      }
      // Hono keeps each body reading as a promise (its type says otherwise); every POST test
      // goes through here, so a change in Hono would fail them all.
      (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    }
    const expression = c.req.query("responseFields");
    const selection =
      expression === undefined || expression.trim() === ""
        ? undefined
        : parseResponseFields(expression);
    await next();
    if (
      selection &&
      c.res.ok &&
      c.res.headers.get("content-type")?.startsWith("application/json")
    ) {
      const filtered = applySelection(await c.res.json(), selection);
      const headers = new Headers(c.res.headers);
      headers.delete("content-length");
      c.res = new Response(JSON.stringify(filtered), { status: c.res.status, headers });
    }
  });

  mountOperation(app, addAccountAndLoginRoute, addAccountAndLogin);
  mountOperation(app, getAccountRoute, getAccount);
  mountOperation(app, createUserAuthTicketRoute, createUserAuthTicket);
  mountOperation(app, refreshUserAuthTicketRoute, refreshUserAuthTicket);
  mountOperation(app, deleteUserAuthTicketRoute, deleteUserAuthTicket);
  mountOperation(app, createApplicationTokenRoute, createApplicationToken);
  mountOperation(app, createAppAuthTicketRoute, createAppAuthTicket);
  mountOperation(app, refreshAppAuthTicketRoute, refreshAppAuthTicket);
  mountOperation(app, getTenantRoute, getTenant);
  mountOperation(app, getJsonWebKeySetRoute, async (c) => {
    c.header("cache-control", `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    return c.json({ keys: await keys.jwks() }, 200);
  });
  mountOperation(app, getHealthRoute, (c) => c.json({ status: "ok" as const }, 200));
  mountOperation(app, getReadinessRoute, async (c) =>
    (await db.ping())
      ? c.json({ status: "ok" as const }, 200)
      : c.json({ status: "unavailable" as const }, 503),
  );
  registerSecuritySchemes(app);
  mountDocs(app, deps.openApiDocument);

  // Every error becomes Kibo's body, with the correlation id (and Retry-After, Allow or the
  // bearer challenge when the error calls for one).
  const answerError = (error: unknown, c: Context<AppEnv>) => {
    const apiError =
      fromHttpException(error) ?? fromBodyCutShort(error, c) ?? toApiError(error, isDatabaseOutage);
    if (apiError.status >= 500) {
      const { name, message, code } = error as Error & { code?: unknown };
      logger.error("request failed", {
        correlationId: c.get("correlationId"),
        error: name,
        message,
        code,
      });
    }
    return c.json(errorBody(apiError, APPLICATION_NAME), apiError.status, {
      "x-vol-correlation": c.get("correlationId") ?? correlationIdFor(undefined),
      ...(apiError.retryAfterSeconds ? { "retry-after": String(apiError.retryAfterSeconds) } : {}),
      ...(apiError instanceof MethodNotAllowedError ? { allow: apiError.allow } : {}),
      ...(apiError instanceof UnauthorizedError && apiError.challenge
        ? { "www-authenticate": apiError.challenge }
        : {}),
    });
  };
  // Answered, not thrown: Hono calls the not-found handler outside the middleware's error
  // handling, so a throw there skipped the request's log line.
  app.notFound((c) =>
    answerError(new NotFoundError(`No operation answers ${c.req.method} ${c.req.path}.`), c),
  );
  app.onError(answerError);

  return app;
}

/** The `aud` of a JWT-shaped token, unverified: only to choose which verification applies. */
function audienceOf(token: string): unknown {
  try {
    return decodeJwt(token).aud;
  } catch {
    return undefined;
  }
}

function checkTenantHeaders(
  tenantHeader: string | undefined,
  tenantId: number,
  siteHeader: string | undefined,
  siteId: number | undefined,
): void {
  for (const [name, sent, expected] of [
    ["x-vol-tenant", tenantHeader, tenantId],
    ["x-vol-site", siteHeader, siteId],
  ] as const) {
    if (sent !== undefined && expected !== undefined && sent.trim() !== String(expected)) {
      throw new BearerTokenError(`The ${name} header does not match the bearer token.`);
    }
  }
}

/**
 * The client closed its connection before its whole body arrived (Node fails the body's stream
 * with ECONNRESET, wherever it is being read): the client's error, logged as a 400 that nobody
 * receives, not a database outage, which ECONNRESET alone would suggest.
 */
function fromBodyCutShort(error: unknown, c: Context<AppEnv>): ApiError | undefined {
  const incoming = c.env?.incoming;
  if (incoming?.complete !== false || (error as { code?: unknown } | null)?.code !== "ECONNRESET") {
    return undefined;
  }
  return new InvalidParameterError(
    "Missing or invalid parameter: the connection closed before the whole body arrived.",
    [{ name: "body", value: "is incomplete: the connection closed" }],
  );
}

/**
 * Hono's own refusals (malformed JSON from the body validator, the media-type gate of
 * @hono/zod-openapi) become the matching Kibo errors.
 */
function fromHttpException(error: unknown): ApiError | undefined {
  if (!(error instanceof HTTPException)) return undefined;
  if (error.status === 415) {
    return new UnsupportedMediaTypeError("The request body must be application/json.");
  }
  if (error.status === 400) {
    return new InvalidParameterError(`Missing or invalid parameter: ${error.message}`, [
      { name: "body", value: error.message },
    ]);
  }
  return undefined;
}
