// Application tokens: ES256 JWTs this server issues at the oauth operation and demands on
// every customer operation. Verification pins the algorithm, issuer and audience.
import { errors as joseErrors } from "jose";
import { BearerTokenError } from "../http/errors.js";
import { newJti, type SigningKeys, signServerJwt, verifyServerJwt } from "./signing-keys.js";

export const APPLICATION_AUDIENCE = "kibo-auth:application";

export interface AppPrincipal {
  clientId: string;
  tenantId: number;
  siteId: number;
  behaviors: string[];
}

export interface AppTokens {
  issue(
    principal: AppPrincipal,
  ): Promise<{ token: string; expiresInSeconds: number; expiresAt: Date }>;
  verify(token: string): Promise<AppPrincipal>;
  /** The principal of a token verified before and not yet expired; no verification. */
  recall(token: string): AppPrincipal | undefined;
}

export function createAppTokens(deps: {
  keys: SigningKeys;
  issuer: string;
  ttlSeconds: number;
  now: () => Date;
}): AppTokens {
  const { keys, issuer, ttlSeconds, now } = deps;
  // Every customer call verifies the same few application tokens again and again; an ES256
  // verification costs more than the rest of a cheap request, so a verified token is
  // remembered until it expires. Bounded: the oldest entries go first.
  // Keyed by the signature alone, and the whole token compared: each request's token is a new
  // string, and hashing all of it for the lookup cost several times what comparing it does.
  const verified = new Map<
    string,
    { token: string; principal: AppPrincipal; expiresAtMs: number }
  >();
  const VERIFIED_MAX = 10_000;
  const signatureOf = (token: string) => token.slice(token.lastIndexOf(".") + 1);
  const recall = (token: string): AppPrincipal | undefined => {
    const known = verified.get(signatureOf(token));
    return known && known.token === token && known.expiresAtMs > now().getTime()
      ? known.principal
      : undefined;
  };
  return {
    async issue(principal) {
      const issuedAt = Math.floor(now().getTime() / 1000);
      const token = await signServerJwt(keys, {
        tenant: principal.tenantId,
        site: principal.siteId,
        behaviors: principal.behaviors,
        iss: issuer,
        aud: APPLICATION_AUDIENCE,
        sub: principal.clientId,
        jti: newJti(),
        iat: issuedAt,
        exp: issuedAt + ttlSeconds,
      });
      return {
        token,
        expiresInSeconds: ttlSeconds,
        expiresAt: new Date((issuedAt + ttlSeconds) * 1000),
      };
    },
    recall,
    async verify(token) {
      const known = recall(token);
      if (known) return known;
      try {
        const payload = await verifyServerJwt(keys, token, {
          issuer,
          audience: APPLICATION_AUDIENCE,
          now: now(),
          requiredClaims: ["exp", "sub", "jti"],
        });
        const { sub, tenant, site, behaviors } = payload;
        if (
          typeof sub !== "string" ||
          !Number.isInteger(tenant) ||
          !Number.isInteger(site) ||
          !Array.isArray(behaviors) ||
          !behaviors.every((item) => typeof item === "string")
        ) {
          throw new BearerTokenError("The application token lacks required claims.");
        }
        const principal = {
          clientId: sub,
          tenantId: tenant as number,
          siteId: site as number,
          behaviors: behaviors as string[],
        };
        if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
        verified.set(signatureOf(token), {
          token,
          principal,
          expiresAtMs: (payload.exp as number) * 1000,
        });
        return principal;
      } catch (error) {
        if (error instanceof BearerTokenError) throw error;
        const expired = error instanceof joseErrors.JWTExpired;
        throw new BearerTokenError(
          expired ? "The application token has expired." : "The application token is not valid.",
        );
      }
    },
  };
}
