// How every operation is mounted: its route goes into the OpenAPI document exactly as declared,
// its query, path and header parameters are validated by one synchronous middleware, and its
// body is left to @hono/zod-openapi (media type, malformed JSON, the schema).
//
// Why not app.openapi alone: it validates each part with its own asynchronous validator (Hono's
// validator around @hono/zod-validator around zod's safeParseAsync and the hook, each awaited),
// and on a cheap operation such as getTenant the two of them cost about a fifth of the request.
// The parameter schemas are synchronous, so nothing is lost by parsing them synchronously.
import type { RouteConfig } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { ZodType } from "zod";
import { InvalidParameterError } from "./errors.js";
import type { AppEnv, AppOpenAPI, AppRouteHandler } from "./types.js";

/**
 * A 400 naming every offending field: `query.responseFields`, `param.tenantId`, or for the body
 * (target "json") the bare path, `account.emailAddress`.
 */
export function invalidParameters(
  target: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): InvalidParameterError {
  const where = target === "json" ? "" : `${target}.`;
  const problems = issues.map((issue) => ({
    name: `${where}${issue.path.map(String).join(".")}` || "body",
    value: issue.message,
  }));
  const first = problems[0];
  return new InvalidParameterError(
    `Missing or invalid parameter: ${first ? `${first.name} ${first.value}` : "request"}`,
    problems,
  );
}

// What Hono's own validator hands each target's schema.
const readers = {
  // A key given once is a string; given more than once, an array (which a string schema refuses).
  query: (c: Context) => {
    const values: Record<string, string | string[]> = {};
    for (const [key, all] of Object.entries(c.req.queries())) {
      values[key] = all.length === 1 ? (all[0] as string) : all;
    }
    return values;
  },
  param: (c: Context) => c.req.param(),
  header: (c: Context) => c.req.header(),
};

export function mountOperation<R extends RouteConfig>(
  app: AppOpenAPI,
  route: R,
  handler: AppRouteHandler<R>,
): void {
  const { query, params, headers, ...body } = route.request ?? {};
  const parts = (
    [
      ["query", query],
      ["param", params],
      ["header", headers],
    ] as const
  ).flatMap(([target, schema]) => (schema ? [{ target, schema: schema as ZodType }] : []));
  if (headers) {
    // Hono reads header names in lower case: a schema key in any other case would never match.
    const keys = Object.keys((headers as unknown as { shape: object }).shape);
    const mixed = keys.filter((key) => key !== key.toLowerCase());
    if (mixed.length > 0) throw new Error(`header schema keys must be lower case: ${mixed}`);
  }
  const validateParameters: MiddlewareHandler<AppEnv> = (c, next) => {
    for (const { target, schema } of parts) {
      const result = schema.safeParse(readers[target](c));
      if (!result.success) throw invalidParameters(target, result.error.issues);
      c.req.addValidatedData(target, result.data as object);
    }
    return next();
  };

  app.openAPIRegistry.registerPath(route);
  app.openapi(
    {
      ...route,
      // Already in the document (above), with its parameters.
      hide: true,
      request: body,
      // The route's own middleware first, as @hono/zod-openapi orders them.
      middleware: [...[route.middleware ?? []].flat(), validateParameters],
    },
    handler as never,
  );
}
