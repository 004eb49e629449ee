// Handlers of the customer-account operations: HTTP in, service call, HTTP out.
import type { AppRouteHandler } from "../http/types.js";
import type { addAccountAndLoginRoute, getAccountRoute } from "./accounts.routes.js";
import { uniquenessKey } from "./accounts.service.js";

export const addAccountAndLogin: AppRouteHandler<typeof addAccountAndLoginRoute> = async (c) => {
  const app = c.var.application();
  const request = c.req.valid("json");
  await c.var.limits.check(c, "sign-up", uniquenessKey(request.account.emailAddress));
  const ticket = await c.var.services.accounts.signUp(app, request);
  return c.json(ticket, 200);
};

export const getAccount: AppRouteHandler<typeof getAccountRoute> = async (c) => {
  const { accountId } = c.req.valid("param");
  const account = await c.var.services.accounts.read(
    c.var.caller(),
    accountId,
    c.req.valid("query").userId,
  );
  return c.json(account, 200);
};
