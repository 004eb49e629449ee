// Handlers of the platform operations: HTTP in, service call, HTTP out.
import type { AppRouteHandler } from "../http/types.js";
import type {
  createAppAuthTicketRoute,
  createApplicationTokenRoute,
  getTenantRoute,
  refreshAppAuthTicketRoute,
} from "./platform.routes.js";

export const createApplicationToken: AppRouteHandler<typeof createApplicationTokenRoute> = async (
  c,
) => {
  const issued = await c.get("services").platform.exchange(c.req.valid("json"));
  return c.json(issued, 200);
};

export const createAppAuthTicket: AppRouteHandler<typeof createAppAuthTicketRoute> = async (c) => {
  const ticket = await c.get("services").platform.authenticateApp(c.req.valid("json"));
  return c.json(ticket, 200);
};

export const refreshAppAuthTicket: AppRouteHandler<typeof refreshAppAuthTicketRoute> = async (
  c,
) => {
  const { refreshToken } = c.req.valid("json");
  return c.json(await c.get("services").platform.refreshAppTicket(refreshToken), 200);
};

export const getTenant: AppRouteHandler<typeof getTenantRoute> = async (c) => {
  const { tenantId } = c.req.valid("param");
  const tenant = await c.get("services").platform.tenantFor(c.get("application")(), tenantId);
  return c.json(
    {
      id: tenant.id,
      name: tenant.name,
      // Kibo clients send customer calls to `domain` when present: leave it out unless configured.
      ...(tenant.domain ? { domain: tenant.domain } : {}),
      isDevTenant: tenant.isDev,
      sites: tenant.sites,
    },
    200,
  );
};
