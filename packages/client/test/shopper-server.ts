// A fake of the shopper-session operations on top of createFakeKibo(): sign-up and log-in issue
// numbered tickets that expire by the test's clock, refresh rotates (a reused refresh token
// revokes the family, as the real server does), log-out revokes the family, and the account
// read accepts the shopper's own JWT. Hooks let a test hold or fail one answer.
import type { components } from "@kibo-auth/api-types";
import {
  type FakeKiboOptions as BaseOptions,
  createFakeKibo,
  kiboError,
  type RecordedRequest,
} from "./helpers.js";

type CustomerAuthTicket = components["schemas"]["CustomerAuthTicket"];

export const SIGN_UP_PATH = "/commerce/customer/accounts/Add-Account-And-Login";
export const LOG_IN_PATH = "/commerce/customer/authtickets";
export const REFRESH_PATH = "/commerce/customer/authtickets/refresh";
export const ACCOUNT_ID = 1000;

export interface ShopperServerOptions {
  /** The test's clock, which decides `accessTokenExpiration` (epoch ms). */
  now: () => number;
  /** The access tokens' lifetime in ms (default 30 minutes, the server's default). */
  accessTtlMs?: number;
  /** Answers a request before the fake does; return undefined to fall through. */
  respond?: BaseOptions["respond"];
  /** Users whose log-in asks for a second factor. */
  twoFactorUsers?: string[];
}

interface Family {
  id: number;
  revoked: boolean;
  /** The refresh token that may be exchanged next; earlier ones were rotated out. */
  currentRefresh: string;
  rotated: Set<string>;
  /** Every access token and JWT the family was issued. */
  accessTokens: Set<string>;
}

export function createShopperServer(options: ShopperServerOptions) {
  const { now, accessTtlMs = 30 * 60_000, twoFactorUsers = [] } = options;
  const families: Family[] = [];
  let issued = 0;

  const appBearer = (request: RecordedRequest) =>
    /^Bearer app-token-\d+$/.test(request.headers.get("authorization") ?? "");

  function issue(family?: Family): CustomerAuthTicket {
    issued += 1;
    const owner: Family = family ?? {
      id: families.length + 1,
      revoked: false,
      currentRefresh: "",
      rotated: new Set(),
      accessTokens: new Set(),
    };
    if (!family) families.push(owner);
    const ticket: CustomerAuthTicket = {
      accessToken: `access-${issued}`,
      accessTokenExpiration: new Date(now() + accessTtlMs).toISOString(),
      refreshToken: `refresh-${issued}`,
      refreshTokenExpiration: new Date(now() + 30 * 24 * 3600_000).toISOString(),
      jwtAccessToken: `jwt-${issued}`,
      userId: "u-1",
      requires2FA: false,
      customerAccount: { id: ACCOUNT_ID, userId: "u-1", emailAddress: "ada@example.com" },
    };
    owner.currentRefresh = ticket.refreshToken ?? "";
    owner.accessTokens.add(ticket.accessToken ?? "");
    owner.accessTokens.add(ticket.jwtAccessToken ?? "");
    return ticket;
  }

  const refused = () => kiboError(401, "UNAUTHORIZED", "The refresh token is not valid.");

  async function answer(request: RecordedRequest): Promise<Response | undefined> {
    const early = await options.respond?.(request);
    if (early) return early;
    const path = request.url.pathname.replace(/^\/api/, "");
    const { method } = request;
    if (path.startsWith("/platform/")) return undefined;
    if (path === `/commerce/customer/accounts/${ACCOUNT_ID}` && method === "GET") {
      const bearer = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
      const family = families.find((f) => f.accessTokens.has(bearer));
      if (!appBearer(request) && (!family || family.revoked)) {
        return kiboError(401, "UNAUTHORIZED", "The shopper token is not valid.");
      }
      return Response.json({ id: ACCOUNT_ID, userId: "u-1", emailAddress: "ada@example.com" });
    }
    // Everything else needs the app token (the default answer refuses it otherwise).
    if (!appBearer(request)) return undefined;
    if (path === SIGN_UP_PATH && method === "POST") {
      return Response.json(issue());
    }
    if (path === LOG_IN_PATH && method === "POST") {
      const { username } = JSON.parse(request.body) as { username: string };
      if (twoFactorUsers.includes(username)) {
        const stamp = new Date(now()).toISOString();
        return Response.json({
          accessToken: null,
          accessTokenExpiration: stamp,
          refreshToken: null,
          refreshTokenExpiration: stamp,
          jwtAccessToken: null,
          userId: "u-1",
          requires2FA: true,
          customerAccount: { id: ACCOUNT_ID, userId: "u-1", emailAddress: username },
        } satisfies CustomerAuthTicket);
      }
      return Response.json(issue());
    }
    const token = request.url.searchParams.get("refreshToken") ?? "";
    const family = families.find((f) => f.currentRefresh === token || f.rotated.has(token));
    if (path === REFRESH_PATH && method === "PUT") {
      if (!family || family.revoked) return refused();
      if (family.rotated.has(token)) {
        family.revoked = true;
        return refused();
      }
      family.rotated.add(token);
      return Response.json(issue(family));
    }
    if (path === LOG_IN_PATH && method === "DELETE") {
      if (family) family.revoked = true;
      return new Response(null, { status: 204 });
    }
    return undefined;
  }

  const server = createFakeKibo({ respond: answer });
  const calls = (method: string, path: string) =>
    server.requests.filter((r) => r.method === method && r.url.pathname === `/api${path}`);
  return {
    ...server,
    families,
    /** The refresh requests, in order. */
    refreshes: () => calls("PUT", REFRESH_PATH),
    /** The log-out requests, in order. */
    logOuts: () => calls("DELETE", LOG_IN_PATH),
    /** The account reads, in order. */
    accountReads: () => calls("GET", `/commerce/customer/accounts/${ACCOUNT_ID}`),
  };
}
