// The application token: obtained from the oauth operation with the client credentials, kept
// until shortly before it expires, and shared by concurrent callers (one request in flight).
import type { components } from "@kibo-auth/api-types";
import type { Client } from "openapi-fetch";
import { type ApiPaths, OAUTH_PATH } from "./paths.js";

type OAuthTokenRequest = components["schemas"]["OAuthTokenRequest"];

/** Renew this long before `expires_in` runs out, so a token never expires in flight. */
const MAX_SKEW_MS = 30_000;
/** ...but never more than this share of its lifetime, so short-lived tokens stay usable. */
const SKEW_SHARE = 0.1;

/**
 * The outcome of asking for a token: the token, or the oauth operation's non-2xx answer.
 * `failure()` builds a fresh Response each time, because concurrent callers share one answer
 * and a Response body can be read only once.
 */
export type AppTokenOutcome = { token: string } | { failure: () => Response };

export interface AppTokenSource {
  /** A valid token, from the cache when it is fresh; at most one oauth request in flight. */
  get(): Promise<AppTokenOutcome>;
  /** Forgets `token` (the server refused it) unless a newer one has replaced it already. */
  invalidate(token: string): void;
}

export interface AppTokenSourceOptions {
  clientId: string;
  sharedSecret: string;
  /** A client for the `/api` operations without the auth middleware (no bearer on this call). */
  tokenClient: Client<ApiPaths>;
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
}

interface CachedToken {
  token: string;
  /** When to stop using it: expiry minus the skew, in epoch milliseconds. */
  renewAt: number;
}

export function createAppTokenSource(options: AppTokenSourceOptions): AppTokenSource {
  const { clientId, sharedSecret, tokenClient, now } = options;
  let cached: CachedToken | undefined;
  let inFlight: Promise<AppTokenOutcome> | undefined;

  async function request(): Promise<AppTokenOutcome> {
    // Count the lifetime from when we asked: the answer may arrive late, never early.
    const askedAt = now();
    // Exactly what Kibo's SDKs send. A renewal uses the credentials again rather than the
    // refresh_token grant: the credentials never run out, and a single-use refresh token
    // would only add a way to fail.
    const body: OAuthTokenRequest = {
      client_id: clientId,
      client_secret: sharedSecret,
      grant_type: "client_credentials",
    };
    const { data, error, response } = await tokenClient.POST(OAUTH_PATH, { body });
    if (!response.ok) {
      return { failure: replayable(response, error) };
    }
    if (typeof data?.access_token !== "string" || typeof data.expires_in !== "number") {
      // A 2xx without a token breaks the protocol; like a network failure, it throws.
      throw new TypeError(
        `The oauth operation answered ${response.status} without access_token and expires_in`,
      );
    }
    const lifetimeMs = data.expires_in * 1000;
    const renewAt = askedAt + lifetimeMs - Math.min(MAX_SKEW_MS, lifetimeMs * SKEW_SHARE);
    cached = { token: data.access_token, renewAt };
    return { token: data.access_token };
  }

  return {
    get() {
      if (cached && now() < cached.renewAt) {
        return Promise.resolve({ token: cached.token });
      }
      if (!inFlight) {
        inFlight = request().finally(() => {
          inFlight = undefined;
        });
      }
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token === token) {
        cached = undefined;
      }
    },
  };
}

/** Rebuilds a consumed error Response from what openapi-fetch parsed out of it. */
function replayable(response: Response, error: unknown): () => Response {
  const text =
    error === undefined ? null : typeof error === "string" ? error : JSON.stringify(error);
  const headers = new Headers(response.headers);
  // The body is re-serialised and no longer encoded: these would describe the old one.
  for (const name of ["content-length", "content-encoding", "transfer-encoding"]) {
    headers.delete(name);
  }
  const { status, statusText } = response;
  return () => new Response(text, { status, statusText, headers: new Headers(headers) });
}
