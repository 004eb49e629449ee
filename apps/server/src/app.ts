// createApp(deps) -> the Hono application. Every dependency comes in through `deps`: no
// module-level state, no environment reads, no listening socket (index.ts does that).
import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { getPath } from "hono/utils/url";
import { addAccountAndLogin } from "./accounts/accounts.handlers.js";
import { createAccountsRepository } from "./accounts/accounts.repository.js";
import { addAccountAndLoginRoute } from "./accounts/accounts.routes.js";
import { createAccountsService } from "./accounts/accounts.service.js";
import { type AppTokens, createAppTokens } from "./auth/app-tokens.js";
import type { PasswordHasher } from "./auth/password-hasher.js";
import type { SigningKeys } from "./auth/signing-keys.js";
import type { Config } from "./config.js";
import type { Db } from "./db/database.js";
import { createPathCanonicaliser } from "./http/canonical-path.js";
import { correlationIdFor } from "./http/correlation.js";
import {
  type ApiError,
  errorBody,
  InvalidParameterError,
  NotFoundError,
  PayloadTooLargeError,
  toApiError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "./http/errors.js";
import { applySelection, parseResponseFields } from "./http/response-fields.js";
import type { AppEnv, AppOpenAPI } from "./http/types.js";
import type { Logger } from "./logger.js";
import { mountDocs } from "./operations/docs.js";
import {
  getHealthRoute,
  getJsonWebKeySetRoute,
  getReadinessRoute,
} from "./operations/operations.routes.js";
import { createApplicationToken, getTenant } from "./platform/platform.handlers.js";
import { createPlatformRepository } from "./platform/platform.repository.js";
import { createApplicationTokenRoute, getTenantRoute } from "./platform/platform.routes.js";
import { createPlatformService } from "./platform/platform.service.js";
import { ROUTES, registerSecuritySchemes } from "./routes.js";

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
}

/** Kibo's error bodies name the part of the platform that answered. */
const APPLICATION_NAME = "Customer";

export function createApp(deps: AppDeps): AppOpenAPI & { appTokens: AppTokens } {
  const { config, db, hasher, keys, logger, now } = deps;
  const appTokens = createAppTokens({
    keys,
    issuer: config.tokens.issuer,
    ttlSeconds: config.tokens.appTokenTtlSeconds,
    now,
  });
  const services = {
    accounts: createAccountsService({
      repository: createAccountsRepository(db),
      hasher,
      keys,
      config,
      now,
    }),
    platform: createPlatformService({ repository: createPlatformRepository(db), appTokens, now }),
  };

  const canonical = createPathCanonicaliser(ROUTES.map((route) => route.path));
  const app: AppOpenAPI = new OpenAPIHono<AppEnv>({
    getPath: (request) => canonical(getPath(request)),
    // One hook for every validation failure: Kibo's body, each offending field named.
    defaultHook: (result) => {
      if (result.success) return;
      const where = result.target === "json" ? "" : `${result.target}.`;
      const problems = result.error.issues.map((issue) => ({
        name: `${where}${issue.path.map(String).join(".")}` || "body",
        value: issue.message,
      }));
      const first = problems[0];
      throw new InvalidParameterError(
        `Missing or invalid parameter: ${first ? `${first.name} ${first.value}` : "request"}`,
        problems,
      );
    },
  });

  app.use("*", async (c, next) => {
    const started = performance.now();
    const correlationId = correlationIdFor(c.req.header("x-vol-correlation"));
    c.set("correlationId", correlationId);
    c.set("services", services);
    c.set("logger", logger);
    c.set("responseFields", undefined);
    c.set("application", () => {
      throw new UnauthorizedError("An application token is required.");
    });
    c.header("x-vol-correlation", correlationId);
    await next();
    c.res.headers.set("x-vol-correlation", correlationId);
    logger.info("request", {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      correlationId,
    });
  });

  app.use(
    "/api/*",
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () => {
        throw new PayloadTooLargeError(
          `The request body is larger than ${config.bodyLimitBytes} bytes.`,
        );
      },
    }),
  );

  const requireApplication: MiddlewareHandler<AppEnv> = async (c, next) => {
    const [scheme, token] = (c.req.header("authorization") ?? "").split(" ");
    if (scheme?.toLowerCase() !== "bearer" || !token) {
      throw new UnauthorizedError(
        "An application token is required: Authorization: Bearer <token>.",
      );
    }
    const principal = await appTokens.verify(token);
    for (const [header, expected] of [
      ["x-vol-tenant", principal.tenantId],
      ["x-vol-site", principal.siteId],
    ] as const) {
      const sent = c.req.header(header);
      if (sent !== undefined && sent.trim() !== String(expected)) {
        throw new UnauthorizedError(`The ${header} header does not match the application token.`);
      }
    }
    c.set("application", () => principal);
    await next();
  };
  app.use("/api/commerce/*", requireApplication);
  app.use("/api/platform/tenants/*", requireApplication);

  // Only JSON bodies are accepted; say so with 415 rather than a confusing validation error.
  app.use("/api/*", async (c, next) => {
    if (["POST", "PUT", "PATCH"].includes(c.req.method)) {
      const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
      if (type !== "application/json") {
        throw new UnsupportedMediaTypeError("The request body must be application/json.");
      }
    }
    await next();
  });

  // responseFields is parsed before any work (a bad one must not leave an account behind)
  // and applied last, to the serialised success body.
  app.use("/api/*", async (c, next) => {
    const expression = c.req.query("responseFields");
    const selection =
      expression === undefined || expression.trim() === ""
        ? undefined
        : parseResponseFields(expression);
    c.set("responseFields", selection);
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

  app.openapi(addAccountAndLoginRoute, addAccountAndLogin);
  app.openapi(createApplicationTokenRoute, createApplicationToken);
  app.openapi(getTenantRoute, getTenant);
  app.openapi(getJsonWebKeySetRoute, (c) => {
    c.header("cache-control", "public, max-age=300");
    return c.json({ keys: keys.jwks() }, 200);
  });
  app.openapi(getHealthRoute, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(getReadinessRoute, async (c) =>
    (await db.ping())
      ? c.json({ status: "ok" as const }, 200)
      : c.json({ status: "unavailable" as const }, 503),
  );
  registerSecuritySchemes(app);
  mountDocs(app, deps.openApiDocument);

  app.notFound((c) => {
    throw new NotFoundError(`No operation answers ${c.req.method} ${c.req.path}.`);
  });

  app.onError((error, c) => {
    const apiError: ApiError =
      error instanceof HTTPException && error.status === 400
        ? new InvalidParameterError(`Missing or invalid parameter: ${error.message}`, [
            { name: "body", value: error.message },
          ])
        : toApiError(error);
    if (apiError.status >= 500) {
      const { name, message, code } = error as Error & { code?: unknown };
      logger.error("request failed", {
        correlationId: c.var.correlationId,
        error: name,
        message,
        code,
      });
    }
    return c.json(errorBody(apiError, APPLICATION_NAME), apiError.status, {
      "x-vol-correlation": c.var.correlationId ?? correlationIdFor(undefined),
    });
  });

  return Object.assign(app, { appTokens });
}
