// A shopper session's tokens: opaque access and refresh tokens (stored only as hashes) and
// the same session as a signed JWT for consumers that verify offline.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { randomToken, sha256 } from "./secrets.js";
import { SIGNING_ALGORITHM, type SigningKeys } from "./signing-keys.js";

export const CUSTOMER_AUDIENCE = "kibo-auth:customer";

export interface SessionPlan {
  familyId: string;
  accessToken: string;
  refreshToken: string;
  accessTokenHash: string;
  refreshTokenHash: string;
  accessTokenExpiration: Date;
  refreshTokenExpiration: Date;
}

/** Everything a session needs that does not depend on the account row: made before any transaction. */
export function planSession(
  now: Date,
  accessTtlMinutes: number,
  refreshTtlMinutes: number,
): SessionPlan {
  const accessToken = randomToken();
  const refreshToken = randomToken();
  return {
    familyId: randomUUID(),
    accessToken,
    refreshToken,
    accessTokenHash: sha256(accessToken),
    refreshTokenHash: sha256(refreshToken),
    accessTokenExpiration: new Date(now.getTime() + accessTtlMinutes * 60_000),
    refreshTokenExpiration: new Date(now.getTime() + refreshTtlMinutes * 60_000),
  };
}

export async function signCustomerJwt(
  keys: SigningKeys,
  issuer: string,
  claims: {
    userId: string;
    accountId: number;
    tenantId: number;
    siteId: number;
    familyId: string;
    issuedAt: Date;
    expiresAt: Date;
  },
): Promise<string> {
  const { kid, privateKey } = keys.current();
  return new SignJWT({
    accountId: claims.accountId,
    tenant: claims.tenantId,
    site: claims.siteId,
    sid: claims.familyId,
  })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(CUSTOMER_AUDIENCE)
    .setSubject(claims.userId)
    .setJti(randomUUID())
    .setIssuedAt(Math.floor(claims.issuedAt.getTime() / 1000))
    .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
    .sign(privateKey);
}
