// Handlers of the customer-account operations: HTTP in, service call, HTTP out.
import type { AppRouteHandler } from "../http/types.js";
import type { addAccountAndLoginRoute } from "./accounts.routes.js";

export const addAccountAndLogin: AppRouteHandler<typeof addAccountAndLoginRoute> = async (c) => {
  const ticket = await c.var.services.accounts.signUp(c.var.application(), c.req.valid("json"));
  return c.json(ticket, 200);
};
