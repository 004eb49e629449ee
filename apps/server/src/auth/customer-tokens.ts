// jwtAccessToken: a shopper session as an ES256 JWT, for consumers that verify offline with
// the keys at /.well-known/jwks.json. `sid` names the session family (log-out revokes it).
import { newJti, type SigningKeys, signServerJwt } from "./signing-keys.js";

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
  return signServerJwt(keys, {
    accountId: claims.accountId,
    tenant: claims.tenantId,
    site: claims.siteId,
    sid: claims.familyId,
    iss: issuer,
    aud: CUSTOMER_AUDIENCE,
    sub: claims.userId,
    jti: newJti(),
    iat: Math.floor(claims.issuedAt.getTime() / 1000),
    exp: Math.floor(claims.expiresAt.getTime() / 1000),
  });
}
