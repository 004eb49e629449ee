// Application authentication as openapi-fetch middleware: every `/api` call but the token
// exchanges carries `Authorization: Bearer <app token>`; a 401 is retried once with a fresh
// token. A call that brings its own `Authorization` (a shopper's token) is sent as it is and
// never retried.
import type { Middleware } from "openapi-fetch";
import type { AppTokenSource } from "./app-token.js";
import { PUBLIC_API_PATHS } from "./paths.js";

interface Sent {
  /** A copy taken before sending, so the body can go again on a retry. */
  copy: Request;
  /** The token the request carried, to tell a stale cache entry from a renewed one. */
  token: string;
}

/**
 * Whether a 401 refused the bearer token itself (RFC 6750 `error="invalid_token"`, which the
 * server sends only then), rather than a shopper's password or refresh token: only then can a
 * fresh app token help, and only then is the request sent again.
 */
function refusesBearerToken(response: Response): boolean {
  return /error="invalid_token"/.test(response.headers.get("www-authenticate") ?? "");
}

export function createAuthMiddleware(tokens: AppTokenSource): Middleware {
  // Keyed by the Request that went out: entries vanish with it, even when a call never reaches
  // onResponse (a network error, or a later middleware answering by itself).
  const sent = new WeakMap<Request, Sent>();

  return {
    async onRequest({ request, schemaPath }) {
      // The token exchanges are public; sending them a bearer token would also loop.
      if (PUBLIC_API_PATHS.includes(schemaPath)) {
        return undefined;
      }
      // The call names its own caller (`headers: { Authorization: "Bearer <shopper token>" }`):
      // keep it. createClient() removes Authorization from the client-wide headers when it holds
      // credentials, so a header here was given for this call. Its 401 is not retried either:
      // resending it with the app token would answer as the application, not as the shopper.
      if (request.headers.has("authorization")) {
        return undefined;
      }
      const outcome = await tokens.get();
      if ("failure" in outcome) {
        // No token, no call: answer with the oauth operation's error (401 for bad credentials),
        // so the caller gets a typed error body instead of an exception.
        return outcome.failure();
      }
      request.headers.set("Authorization", `Bearer ${outcome.token}`);
      sent.set(request, { copy: request.clone(), token: outcome.token });
      return request;
    },

    async onResponse({ request, response, options }) {
      const original = sent.get(request);
      sent.delete(request);
      if (response.status !== 401 || !original) {
        return undefined;
      }
      if (!refusesBearerToken(response)) {
        // The shopper's password or refresh token was refused, not the app token: sending it
        // again would count a second failed log-in toward the account lock and the rate limits.
        return undefined;
      }
      // The token was refused (revoked, signing key rotated, clock skew): get a new one and send
      // the same request once more. The answer to the retry is final, even another 401.
      await response.body?.cancel();
      tokens.invalidate(original.token);
      const outcome = await tokens.get();
      if ("failure" in outcome) {
        return outcome.failure();
      }
      original.copy.headers.set("Authorization", `Bearer ${outcome.token}`);
      return options.fetch(original.copy);
    },
  };
}
