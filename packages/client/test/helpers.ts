// A fake Kibo server as a plain `fetch` function: it records every request and answers like the
// real API would (oauth issues numbered tokens; `/api` calls need one of them). Nothing is
// mocked: the client under test gets this function as its `fetch` and does real HTTP semantics
// on real Request/Response objects. Build one per test; they are cheap and share nothing.
import type { components } from "@kibo-auth/api-types";

type KiboError = components["schemas"]["KiboError"];
type CustomerAuthTicket = components["schemas"]["CustomerAuthTicket"];

export const ORIGIN = "http://kibo.test";
export const BASE_URL = `${ORIGIN}/api`;
export const OAUTH_URL_PATH = "/api/platform/applications/authtickets/oauth";
export const ADD_ACCOUNT_PATH = "/commerce/customer/accounts/Add-Account-And-Login";

/** What the fake server saw of one request; the body is read as text. */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

export interface FakeKiboOptions {
  /** `expires_in` of every token the oauth operation issues, in seconds. */
  expiresIn?: number;
  /**
   * Answers a request before the default behaviour does; return undefined to fall through.
   * Use it to make one call fail in a particular way.
   */
  respond?: (request: RecordedRequest) => Response | undefined | Promise<Response | undefined>;
}

export function createFakeKibo(options: FakeKiboOptions = {}) {
  const { expiresIn = 3600, respond } = options;
  const requests: RecordedRequest[] = [];
  const valid = new Set<string>();
  let issued = 0;
  let correlation = 0;

  async function fetch(request: Request): Promise<Response> {
    const recorded: RecordedRequest = {
      method: request.method,
      url: new URL(request.url),
      headers: new Headers(request.headers),
      body: await request.text(),
    };
    requests.push(recorded);
    const correlationId = `corr-${++correlation}`;
    const answer = (await respond?.(recorded)) ?? defaultAnswer(recorded);
    if (!answer.headers.has("x-vol-correlation")) {
      answer.headers.set("x-vol-correlation", correlationId);
    }
    return answer;
  }

  function defaultAnswer({ method, url, headers }: RecordedRequest): Response {
    if (method === "POST" && url.pathname === OAUTH_URL_PATH) {
      const token = `app-token-${++issued}`;
      valid.add(token);
      return Response.json({
        access_token: token,
        token_type: "bearer",
        expires_in: expiresIn,
        refresh_token: `refresh-${issued}`,
      } satisfies components["schemas"]["OAuthTokenResponse"]);
    }
    if (!url.pathname.startsWith("/api/")) {
      return Response.json({ status: "ok" } satisfies components["schemas"]["HealthStatus"]);
    }
    const bearer = headers.get("authorization")?.replace(/^Bearer /, "");
    if (!bearer || !valid.has(bearer)) {
      return bearerRefusal("The application token is missing or invalid");
    }
    return Response.json(ticket());
  }

  return {
    fetch,
    /** Every request, in order. */
    requests,
    /** The requests to the oauth operation. */
    tokenRequests: () => requests.filter((r) => r.url.pathname === OAUTH_URL_PATH),
    /** The requests to anything but the oauth operation. */
    otherRequests: () => requests.filter((r) => r.url.pathname !== OAUTH_URL_PATH),
    /** Makes the server refuse a token it issued, as after a key rotation. */
    revoke: (token: string) => valid.delete(token),
  };
}

/** A Kibo error answer, as the server renders every error. */
export function kiboError(
  status: number,
  errorCode: KiboError["errorCode"],
  message: string,
  additionalErrorData: KiboError["additionalErrorData"] = null,
): Response {
  const body: KiboError = {
    message,
    errorCode,
    applicationName: "Customer",
    additionalErrorData,
    items: null,
    exceptionDetail: null,
  };
  return Response.json(body, { status });
}

/** A shopper session as Add-Account-And-Login answers it. */
export function ticket(): CustomerAuthTicket {
  return {
    accessToken: "shopper-access",
    accessTokenExpiration: "2030-01-01T00:00:00.000Z",
    refreshToken: "shopper-refresh",
    refreshTokenExpiration: "2030-02-01T00:00:00.000Z",
    jwtAccessToken: "eyJ.fake.jwt",
    userId: "u-1",
    requires2FA: false,
    customerAccount: { id: 1000, userId: "u-1", emailAddress: "ada@example.com" },
  };
}

/** A manual clock for the client's `now` option, in epoch milliseconds. */
export function createClock(start = Date.UTC(2030, 0, 1)) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

/** A request that resolves when `release()` is called: to hold an answer while calls pile up. */
export function createGate() {
  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, release };
}

/** A 401 that refuses the bearer token itself, challenge included, as the server answers it. */
export function bearerRefusal(message: string): Response {
  const response = kiboError(401, "UNAUTHORIZED", message);
  response.headers.set("www-authenticate", 'Bearer realm="kibo-auth", error="invalid_token"');
  return response;
}
