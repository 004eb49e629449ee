// Handlers of the customer-account operations: HTTP in, service call, HTTP out.
import type { AppRouteHandler } from "../http/types.js";
import type { addAccountAndLoginRoute, getAccountRoute } from "./accounts.routes.js";
import { uniquenessKey } from "./accounts.service.js";

export const addAccountAndLogin: AppRouteHandler<typeof addAccountAndLoginRoute> = async (c) => {
  const app = c.get("application")();
  const request = c.req.valid("json");
  await c.get("limits").check(c, "sign-up", uniquenessKey(request.account.emailAddress));
  const ticket = await c.get("services").accounts.signUp(app, request);
  return c.json(ticket, 200);
};

export const getAccount: AppRouteHandler<typeof getAccountRoute> = async (c) => {
  const { accountId } = c.req.valid("param");
  const account = await c
    .get("services")
    .accounts.read(c.get("caller")(), accountId, c.req.valid("query").userId);
  return c.json(account, 200);
};
