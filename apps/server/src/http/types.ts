// The Hono environment every route shares: the request's injected services and identity.
import type { HttpBindings } from "@hono/node-server";
import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AccountReader, AccountsService } from "../accounts/accounts.service.js";
import type { AppPrincipal } from "../auth/app-tokens.js";
import type { PlatformService } from "../platform/platform.service.js";
import type { SessionsService } from "../sessions/sessions.service.js";
import type { AbuseLimits } from "./abuse-limits.js";

export interface Services {
  accounts: AccountsService;
  platform: PlatformService;
  sessions: SessionsService;
}

/** Read with c.get(name): c.var copies every variable into a new object at each access. */
export interface AppEnv {
  /** Node's request and response when served by @hono/node-server; absent in process (tests). */
  Bindings: Partial<HttpBindings> | undefined;
  Variables: {
    services: Services;
    limits: AbuseLimits;
    correlationId: string;
    /** The methods of the operations the request's path has; none: it answers 404. */
    pathMethods: ReadonlySet<string>;
    /** The authenticated application; throws 401 when the route had no valid app token. */
    application: () => AppPrincipal;
    /** Whoever the bearer token proves: an application or a shopper; throws 401 without one. */
    caller: () => AccountReader;
  };
}

export type AppOpenAPI = OpenAPIHono<AppEnv>;
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
