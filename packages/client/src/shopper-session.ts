// A shopper's session on top of a KiboClient: it keeps the tokens of the last CustomerAuthTicket
// (sign-up, log-in or refresh), refreshes them shortly before the access token expires (one
// refresh in flight, shared by concurrent callers; refresh tokens rotate, so two would revoke the
// session), reads the shopper's own account with the shopper's JWT, and logs out. Answers are
// values, as with toResult(): the data, or an ApiError (what the server said) or a
// ShopperSessionError (why no call was made).
import type { components, operations } from "@kibo-auth/api-types";
import type { KiboClient } from "./create-client.js";
import { ApiError, type ApiResult, toResult } from "./result.js";

export type CustomerAuthTicket = components["schemas"]["CustomerAuthTicket"];
export type CustomerAccount = components["schemas"]["CustomerAccount"];
/** The body of Add-Account-And-Login. */
export type SignUpBody = components["schemas"]["CustomerAccountAndAuthInfo"];
/** The body of the log-in operation. */
export type LogInBody = components["schemas"]["CustomerUserAuthInfo"];
/** The query parameters of the account read (`responseFields`, `userId`, `responseGroups`). */
export type ReadAccountQuery = NonNullable<operations["getAccount"]["parameters"]["query"]>;

/** A ticket that holds a live session: every token present, the account numbered. */
export type ActiveTicket = CustomerAuthTicket & {
  accessToken: string;
  refreshToken: string;
  jwtAccessToken: string;
  requires2FA: false;
  customerAccount: CustomerAccount & { id: number };
};

/**
 * Where the session stands:
 * - `signed-out`: no session yet, or logged out.
 * - `active`: tokens held; `refreshAt` (epoch ms, the session's clock) is when they are renewed.
 * - `requires2FA`: the last log-in asked for a second factor; the ticket carries no token.
 * - `ended`: the server refused the refresh token (revoked, reused, expired); `error` says how.
 */
export type ShopperSessionState =
  | { status: "signed-out" }
  | { status: "active"; ticket: ActiveTicket; refreshAt: number }
  | { status: "requires2FA"; ticket: CustomerAuthTicket }
  | { status: "ended"; error: ApiError };

export type ShopperSessionErrorCode = "NOT_LOGGED_IN" | "REQUIRES_2FA" | "SESSION_ENDED";

/** No call was made: the session holds no usable token. Returned, never thrown. */
export class ShopperSessionError extends Error {
  override readonly name = "ShopperSessionError";
  /** NOT_LOGGED_IN (no session, or logged out), REQUIRES_2FA, or SESSION_ENDED. */
  readonly code: ShopperSessionErrorCode;
  /** For SESSION_ENDED: the refresh's answer (401 UNAUTHORIZED, with its correlation id). */
  override readonly cause: ApiError | undefined;

  constructor(code: ShopperSessionErrorCode, cause?: ApiError) {
    super(MESSAGES[code]);
    this.code = code;
    this.cause = cause;
  }
}

const MESSAGES: Record<ShopperSessionErrorCode, string> = {
  NOT_LOGGED_IN: "No shopper is logged in on this session.",
  REQUIRES_2FA: "The shopper must complete a second factor; the session holds no token.",
  SESSION_ENDED: "The server refused the session's refresh token; the shopper must log in again.",
};

/** The data, or why there is none: the server's answer (ApiError) or the session's state. */
export type SessionResult<T> =
  | { data: T; error?: never }
  | { data?: never; error: ApiError | ShopperSessionError };

export interface ShopperSessionOptions {
  /** The clock that decides when the access token is renewed, epoch ms (default `Date.now`). */
  now?: () => number;
  /**
   * Renew the tokens this long before `accessTokenExpiration`, in ms. Default: 60 s, or a tenth
   * of the token's lifetime when that is shorter (a 5-minute token is renewed after 4.5 min).
   */
  refreshSkewMs?: number;
}

export interface ShopperSession {
  /** Signs a shopper up (Add-Account-And-Login); on 200 the session holds the new ticket. */
  signUp(body: SignUpBody): Promise<ApiResult<CustomerAuthTicket>>;
  /**
   * Logs a shopper in; on 200 the session holds the new ticket, replacing any earlier one (which
   * is not logged out). A ticket with `requires2FA: true` puts the session in `requires2FA`.
   */
  logIn(body: LogInBody): Promise<ApiResult<CustomerAuthTicket>>;
  /** Where the session stands now; no call is made. */
  state(): ShopperSessionState;
  /** The current ticket, refreshed first when its access token is within the skew of expiry. */
  ticket(): Promise<SessionResult<ActiveTicket>>;
  /** The opaque `accessToken` of {@link ShopperSession.ticket}. */
  accessToken(): Promise<SessionResult<string>>;
  /** The `jwtAccessToken` of {@link ShopperSession.ticket}. */
  jwtAccessToken(): Promise<SessionResult<string>>;
  /**
   * Reads the shopper's own account with the shopper's `jwtAccessToken` as the bearer token (not
   * the app token). A 401 gets one refresh and one retry; a refused refresh ends the session.
   */
  readAccount(query?: ReadAccountQuery): Promise<SessionResult<CustomerAccount>>;
  /**
   * Logs out: the session forgets its tokens at once, then asks the server to revoke the family
   * (refresh tokens, access tokens and JWTs). Without a session, nothing is sent.
   */
  logOut(): Promise<SessionResult<undefined>>;
}

const DEFAULT_SKEW_MS = 60_000;
const SKEW_SHARE = 0.1;
const SIGN_UP_PATH = "/commerce/customer/accounts/Add-Account-And-Login";
const LOG_IN_PATH = "/commerce/customer/authtickets";
const REFRESH_PATH = "/commerce/customer/authtickets/refresh";
const ACCOUNT_PATH = "/commerce/customer/accounts/{accountId}";

/**
 * Creates a shopper session on `client` (whose app token authorises sign-up, log-in, refresh and
 * log-out). One session holds one shopper; create one per shopper.
 */
export function createShopperSession(
  client: KiboClient,
  options: ShopperSessionOptions = {},
): ShopperSession {
  const now = options.now ?? Date.now;
  let held: ShopperSessionState = { status: "signed-out" };
  // Bumped whenever the session is replaced or dropped, so that a refresh answering late cannot
  // bring back a session that was logged out or replaced in the meantime.
  let generation = 0;
  let inFlight: Promise<SessionResult<ActiveTicket>> | undefined;

  function replace(next: ShopperSessionState): void {
    held = next;
    generation += 1;
    inFlight = undefined;
  }

  function hold(ticket: CustomerAuthTicket): ShopperSessionState {
    if (ticket.requires2FA) {
      return { status: "requires2FA", ticket };
    }
    const expiresAt = Date.parse(ticket.accessTokenExpiration);
    if (!isActive(ticket) || Number.isNaN(expiresAt)) {
      // Like a 2xx oauth answer without a token, this breaks the protocol: it throws.
      throw new TypeError(
        "The server answered a ticket without tokens, account id or expiration, and without requires2FA",
      );
    }
    const lifetime = Math.max(0, expiresAt - now());
    const skew = options.refreshSkewMs ?? Math.min(DEFAULT_SKEW_MS, lifetime * SKEW_SHARE);
    return { status: "active", ticket, refreshAt: expiresAt - skew };
  }

  /** Why there is no token: the session error of a state that is not active. */
  function noToken(state: Exclude<ShopperSessionState, { status: "active" }>) {
    const error =
      state.status === "requires2FA"
        ? new ShopperSessionError("REQUIRES_2FA")
        : state.status === "ended"
          ? new ShopperSessionError("SESSION_ENDED", state.error)
          : new ShopperSessionError("NOT_LOGGED_IN");
    return { error };
  }

  /** The current ticket of the session as it stands now, without refreshing. */
  function current(): SessionResult<ActiveTicket> {
    return held.status === "active" ? { data: held.ticket } : noToken(held);
  }

  /** Exchanges `stale`'s refresh token; one exchange at a time, shared by every caller. */
  function refresh(stale: ActiveTicket): Promise<SessionResult<ActiveTicket>> {
    if (held.status !== "active" || held.ticket !== stale) {
      // Replaced already (refreshed, logged out, logged in again): answer with what is there.
      return Promise.resolve(current());
    }
    if (!inFlight) {
      const flight = exchange(stale, generation).finally(() => {
        if (inFlight === flight) inFlight = undefined;
      });
      inFlight = flight;
    }
    return inFlight;
  }

  async function exchange(stale: ActiveTicket, startedIn: number) {
    const result = await toResult(
      client.PUT(REFRESH_PATH, {
        params: {
          query: { refreshToken: stale.refreshToken, accountId: stale.customerAccount.id },
        },
      }),
    );
    if (generation !== startedIn) {
      // Logged out or replaced while the refresh travelled: its answer belongs to no session.
      return current();
    }
    if (result.error) {
      if (result.status === 401) {
        replace({ status: "ended", error: result.error });
      }
      return { error: result.error };
    }
    replace(hold(result.data));
    return current();
  }

  async function ticket(): Promise<SessionResult<ActiveTicket>> {
    if (held.status !== "active") {
      return noToken(held);
    }
    const stale = held.ticket;
    if (now() < held.refreshAt) {
      return { data: stale };
    }
    const outcome = await refresh(stale);
    // The renewal came early on purpose: when the server cannot refresh now (503, 500) and the
    // access token has not expired yet, keep using it; the next call tries again.
    if (
      outcome.error instanceof ApiError &&
      outcome.error.status !== 401 &&
      now() < Date.parse(stale.accessTokenExpiration)
    ) {
      return { data: stale };
    }
    return outcome;
  }

  /** A 200 from sign-up or log-in becomes the session; an error leaves the session as it was. */
  function begin<R extends ApiResult<CustomerAuthTicket>>(result: R): R {
    if (!result.error) {
      replace(hold(result.data));
    }
    return result;
  }

  const readWith = (token: ActiveTicket, query: ReadAccountQuery | undefined) =>
    toResult(
      client.GET(ACCOUNT_PATH, {
        params: { path: { accountId: token.customerAccount.id }, query },
        // The shopper's own token: the app-token middleware leaves a call's Authorization alone.
        headers: { Authorization: `Bearer ${token.jwtAccessToken}` },
      }),
    );

  return {
    signUp: async (body) => begin(await toResult(client.POST(SIGN_UP_PATH, { body }))),
    logIn: async (body) => begin(await toResult(client.POST(LOG_IN_PATH, { body }))),
    state: () => held,
    ticket,

    async accessToken() {
      const result = await ticket();
      return result.error ? result : { data: result.data.accessToken };
    },

    async jwtAccessToken() {
      const result = await ticket();
      return result.error ? result : { data: result.data.jwtAccessToken };
    },

    async readAccount(query) {
      const first = await ticket();
      if (first.error) {
        return first;
      }
      let result = await readWith(first.data, query);
      if (result.status === 401) {
        // The JWT was refused before its time (revoked elsewhere, say): refresh once and retry.
        // A revoked family refuses the refresh too, which ends the session.
        const renewed = await refresh(first.data);
        if (renewed.error) {
          return renewed;
        }
        result = await readWith(renewed.data, query);
      }
      return result.error ? { error: result.error } : { data: result.data };
    },

    async logOut() {
      const before = held;
      replace({ status: "signed-out" });
      if (before.status !== "active") {
        return { data: undefined };
      }
      // Any refresh token of the family revokes all of it, the one a refresh in flight may be
      // exchanging included.
      const result = await toResult(
        client.DELETE(LOG_IN_PATH, {
          params: { query: { refreshToken: before.ticket.refreshToken } },
        }),
      );
      return result.error ? { error: result.error } : { data: undefined };
    },
  };
}

function isActive(ticket: CustomerAuthTicket): ticket is ActiveTicket {
  return (
    ticket.requires2FA === false &&
    typeof ticket.accessToken === "string" &&
    typeof ticket.refreshToken === "string" &&
    typeof ticket.jwtAccessToken === "string" &&
    typeof ticket.customerAccount?.id === "number"
  );
}
