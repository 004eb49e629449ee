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

// A key given once is a string; given more than once, an array (which a string schema refuses),
// as Hono's own validator hands the query to its schema.
function queryOf(c: Context): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [key, all] of Object.entries(c.req.queries())) {
    values[key] = all.length === 1 ? (all[0] as string) : all;
  }
  return values;
}

// Only the headers the schema names are read (each by name, so in any case): the schema would
// drop the others, and collecting every header of the request cost more than validating.
function headersNamed(names: string[]) {
  return (c: Context) => {
    const values: Record<string, string> = {};
    for (const name of names) {
      const value = c.req.header(name);
      if (value !== undefined) values[name] = value;
    }
    return values;
  };
}

export function mountOperation<R extends RouteConfig>(
  app: AppOpenAPI,
  route: R,
  handler: AppRouteHandler<R>,
): void {
  const { query, params, headers, ...body } = route.request ?? {};
  const parts: {
    target: "query" | "param" | "header";
    schema: ZodType;
    read: (c: Context) => unknown;
  }[] = [];
  if (query) parts.push({ target: "query", schema: query, read: queryOf });
  if (params) parts.push({ target: "param", schema: params, read: (c) => c.req.param() });
  if (headers) {
    const shape = (headers as { shape?: object }).shape;
    if (!shape) throw new Error(`${route.path}: request.headers must be a z.object`);
    parts.push({
      target: "header",
      schema: headers as ZodType,
      read: headersNamed(Object.keys(shape)),
    });
  }
  const validateParameters: MiddlewareHandler<AppEnv> = (c, next) => {
    for (const { target, schema, read } of parts) {
      const result = schema.safeParse(read(c));
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
