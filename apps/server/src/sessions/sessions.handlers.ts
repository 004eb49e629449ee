// Handlers of the shopper-session operations: HTTP in, service call, HTTP out.
import type { AppRouteHandler } from "../http/types.js";
import type {
  createUserAuthTicketRoute,
  deleteUserAuthTicketRoute,
  refreshUserAuthTicketRoute,
} from "./sessions.routes.js";

export const createUserAuthTicket: AppRouteHandler<typeof createUserAuthTicketRoute> = async (
  c,
) => {
  const ticket = await c.var.services.sessions.logIn(c.var.application(), c.req.valid("json"));
  return c.json(ticket, 200);
};

export const refreshUserAuthTicket: AppRouteHandler<typeof refreshUserAuthTicketRoute> = async (
  c,
) => {
  const { refreshToken, accountId } = c.req.valid("query");
  const ticket = await c.var.services.sessions.refresh(
    c.var.application(),
    refreshToken,
    accountId,
  );
  return c.json(ticket, 200);
};

export const deleteUserAuthTicket: AppRouteHandler<typeof deleteUserAuthTicketRoute> = async (
  c,
) => {
  await c.var.services.sessions.logOut(c.var.application(), c.req.valid("query").refreshToken);
  return c.body(null, 204);
};
