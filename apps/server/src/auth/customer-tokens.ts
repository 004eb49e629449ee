// jwtAccessToken: a shopper session as an ES256 JWT, for consumers that verify offline with
// the keys at /.well-known/jwks.json. `sid` names the session family (log-out revokes it).
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { SIGNING_ALGORITHM, type SigningKeys } from "./signing-keys.js";

export const CUSTOMER_AUDIENCE = "kibo-auth:customer";

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
  const { kid, privateKey } = await keys.current();
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
