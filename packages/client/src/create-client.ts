// createClient(): two openapi-fetch clients typed by the generated `paths`, one for the `/api`
// operations (with application auth) and one for the operations at the site root.
import createFetchClient, { type HeadersOptions, mergeHeaders } from "openapi-fetch";
import { createAppTokenSource } from "./app-token.js";
import { createAuthMiddleware } from "./auth-middleware.js";
import { type ApiPaths, type RootPaths, rootUrlOf } from "./paths.js";
import { type TypedClient, typed } from "./typed-client.js";

export interface CreateClientOptions {
  /**
   * The server's origin plus `/api`, where every operation of the spec lives:
   * `http://127.0.0.1:8080/api`, `https://t1-s1.example.com/api`.
   */
  baseUrl: string;
  /**
   * The site root, for the operations the spec serves at `/` (`client.root`). Defaults to
   * `baseUrl` without its trailing `/api`.
   */
  rootUrl?: string;
  /** The fetch to send every request with (defaults to `globalThis.fetch`); tests inject one. */
  fetch?: (input: Request) => Promise<Response>;
  /** Headers sent with every request (both clients, and the token request). */
  headers?: HeadersOptions;
  /**
   * The application's client id. With `sharedSecret`, every `/api` call but the oauth one
   * carries `Authorization: Bearer <app token>`, obtained and renewed automatically.
   */
  clientId?: string;
  /** The application's shared secret (`client_secret`); required with `clientId`. */
  sharedSecret?: string;
  /** Sent as `x-vol-tenant` on every `/api` call. */
  tenantId?: number;
  /** Sent as `x-vol-site` on every `/api` call. */
  siteId?: number;
  /** The clock that decides when the app token expires, in epoch ms (defaults to `Date.now`). */
  now?: () => number;
}

/**
 * An openapi-fetch client for the `/api` operations (`client.POST(...)`, `client.GET(...)`),
 * plus `client.root` for the operations at the site root (`/healthz`, `/readyz`,
 * `/.well-known/jwks.json`). A root-level path given to the `/api` client does not compile.
 */
export interface KiboClient extends TypedClient<ApiPaths> {
  /** The operations served at the site root rather than under `/api`. No auth. */
  readonly root: TypedClient<RootPaths>;
}

export function createClient(options: CreateClientOptions): KiboClient {
  const { baseUrl, fetch, clientId, sharedSecret, tenantId, siteId } = options;
  const root = typed(
    createFetchClient<RootPaths>({
      baseUrl: options.rootUrl ?? rootUrlOf(baseUrl),
      fetch,
      headers: options.headers,
    }),
  );
  const credentials = clientId !== undefined || sharedSecret !== undefined;
  const api = createFetchClient<ApiPaths>({
    baseUrl,
    fetch,
    // The tenant and site given here win over the same names in `headers`; a call's own
    // `params.header` wins over both. With credentials, the app token is the client-wide
    // Authorization, so one in `headers` is dropped: an Authorization the auth middleware sees
    // was then given by the call itself, and it wins (a shopper's own token).
    headers: mergeHeaders(
      options.headers,
      { "x-vol-tenant": tenantId, "x-vol-site": siteId },
      credentials ? { authorization: null } : undefined,
    ),
  });

  if (!credentials) {
    return { ...typed(api), root };
  }
  if (!clientId || !sharedSecret) {
    throw new TypeError(
      "createClient: clientId and sharedSecret go together; pass both or neither",
    );
  }

  const tokens = createAppTokenSource({
    clientId,
    sharedSecret,
    // A client of its own, without the auth middleware: the token request never waits on itself.
    tokenClient: createFetchClient<ApiPaths>({ baseUrl, fetch, headers: options.headers }),
    now: options.now ?? Date.now,
  });
  const auth = createAuthMiddleware(tokens);
  api.use(auth);

  return {
    ...typed(api),
    root,
    // Keep auth the innermost middleware: it then sees the request exactly as sent (so it can
    // resend it) and the caller's middleware sees the answer to the retry, not the first 401.
    use(...middleware) {
      api.eject(auth);
      api.use(...middleware, auth);
    },
  };
}
