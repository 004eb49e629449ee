// Handlers of the platform operations: HTTP in, service call, HTTP out.
import type { AppRouteHandler } from "../http/types.js";
import type { createApplicationTokenRoute, getTenantRoute } from "./platform.routes.js";

export const createApplicationToken: AppRouteHandler<typeof createApplicationTokenRoute> = async (
  c,
) => {
  const issued = await c.get("services").platform.exchange(c.req.valid("json"));
  return c.json(issued, 200);
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
