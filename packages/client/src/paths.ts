// Which operations live where. The spec's server is `/api`, but a few path items override it
// with `servers: [{ url: "/" }]` (the site root). The generated `paths` type does not carry
// servers, so the root-level paths are listed here once; `test/paths.test.ts` compares this list
// with openapi.yaml, and `Pick` below stops compiling if one of them leaves the spec.
import type { paths } from "@kibo-auth/api-types";

/** Paths whose spec `servers` url is `/`: served at the site root, not under `/api`. */
export const ROOT_PATHS = ["/.well-known/jwks.json", "/healthz", "/readyz"] as const;

/** A path served at the site root. */
export type RootPath = (typeof ROOT_PATHS)[number];

/** Operations served at the site root (`https://host/healthz`). */
export type RootPaths = Pick<paths, RootPath>;

/**
 * Operations served under `/api` (`https://host/api/...`): every path of the spec but the
 * root-level ones, so operations added to the spec later appear here without a change.
 */
export type ApiPaths = Omit<paths, RootPath>;

/** The application-token exchange this client uses. */
export const OAUTH_PATH = "/platform/applications/authtickets/oauth" satisfies keyof ApiPaths;

/**
 * The `/api` operations sent without a bearer token: the application-token exchanges (OAuth,
 * and the ticket and refresh-ticket of Kibo's older SDKs).
 */
export const PUBLIC_API_PATHS: readonly string[] = [
  OAUTH_PATH,
  "/platform/applications/authtickets" satisfies keyof ApiPaths,
  "/platform/applications/authtickets/refresh-ticket" satisfies keyof ApiPaths,
];

/**
 * The site root for the root-level operations, derived from the `/api` base URL:
 * `http://127.0.0.1:8080/api` gives `http://127.0.0.1:8080`, `/api` gives `` (same origin).
 * A base URL not ending in `/api` falls back to its origin, as the spec's relative `/` means.
 */
export function rootUrlOf(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, "");
  if (trimmed.endsWith("/api")) {
    return trimmed.slice(0, -"/api".length);
  }
  if (URL.canParse(trimmed)) {
    return new URL(trimmed).origin;
  }
  throw new TypeError(
    `createClient: cannot tell the site root from baseUrl "${baseUrl}"; pass rootUrl as well`,
  );
}
