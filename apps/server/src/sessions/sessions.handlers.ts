// Handlers of the shopper-session operations: HTTP in, service call, HTTP out.
import { uniquenessKey } from "../accounts/accounts.service.js";
import type { AppRouteHandler } from "../http/types.js";
import type {
  createUserAuthTicketRoute,
  deleteUserAuthTicketRoute,
  refreshUserAuthTicketRoute,
} from "./sessions.routes.js";

export const createUserAuthTicket: AppRouteHandler<typeof createUserAuthTicketRoute> = async (
  c,
) => {
  const app = c.get("application")();
  const request = c.req.valid("json");
  await c.get("limits").check(c, "log-in", uniquenessKey(request.username));
  const ticket = await c.get("services").sessions.logIn(app, request);
  return c.json(ticket, 200);
};

export const refreshUserAuthTicket: AppRouteHandler<typeof refreshUserAuthTicketRoute> = async (
  c,
) => {
  const { refreshToken, accountId } = c.req.valid("query");
  const ticket = await c
    .get("services")
    .sessions.refresh(c.get("application")(), refreshToken, accountId);
  return c.json(ticket, 200);
};

export const deleteUserAuthTicket: AppRouteHandler<typeof deleteUserAuthTicketRoute> = async (
  c,
) => {
  await c
    .get("services")
    .sessions.logOut(c.get("application")(), c.req.valid("query").refreshToken);
  return c.body(null, 204);
};
