// Makes a shopper session: fresh random tokens (their hashes for the database) and, once the
// rows are written, the ticket with its signed JWT. Shared by sign-up, log-in and refresh.
import { randomUUID } from "node:crypto";
import type { CustomerAccount, CustomerAuthTicket } from "../accounts/accounts.schemas.js";
import { signCustomerJwt } from "../auth/customer-tokens.js";
import { randomToken, sha256 } from "../auth/secrets.js";
import type { SigningKeys } from "../auth/signing-keys.js";
import type { Lifetimes } from "./lifetimes.js";
import type { SessionRows } from "./sessions.repository.js";

export interface Device {
  fingerprint: string | null;
  region: string | null;
}

/** What identifies a device for two-factor purposes; stored only as this hash. */
export const deviceHash = (device: Device) =>
  sha256(`${device.fingerprint ?? ""}\n${device.region ?? ""}`);

export interface PlannedSession {
  rows: Omit<SessionRows, "accountId">;
  accessToken: string;
  refreshToken: string;
}

export function planSession(
  at: Date,
  lifetimes: Lifetimes,
  device: Device,
  family: { id: string; isNew: boolean } = { id: randomUUID(), isNew: true },
): PlannedSession {
  const accessToken = randomToken();
  const refreshToken = randomToken();
  return {
    accessToken,
    refreshToken,
    rows: {
      familyId: family.id,
      ...(family.isNew ? { lifetimes } : {}),
      accessTokenHash: sha256(accessToken),
      refreshTokenHash: sha256(refreshToken),
      accessTokenExpiration: new Date(
        at.getTime() + lifetimes.accessMinutes * 60_000,
      ).toISOString(),
      refreshTokenExpiration: new Date(
        at.getTime() + lifetimes.refreshMinutes * 60_000,
      ).toISOString(),
      fingerprint: device.fingerprint,
      region: device.region,
      at: at.toISOString(),
    },
  };
}

export async function ticketFor(
  deps: { keys: SigningKeys; issuer: string },
  session: PlannedSession,
  account: CustomerAccount & { id: number; userId: string },
  where: { tenantId: number; siteId: number },
): Promise<CustomerAuthTicket> {
  const jwtAccessToken = await signCustomerJwt(deps.keys, deps.issuer, {
    userId: account.userId,
    accountId: account.id,
    tenantId: where.tenantId,
    siteId: where.siteId,
    familyId: session.rows.familyId,
    issuedAt: new Date(session.rows.at),
    expiresAt: new Date(session.rows.accessTokenExpiration),
  });
  return {
    accessToken: session.accessToken,
    accessTokenExpiration: session.rows.accessTokenExpiration,
    refreshToken: session.refreshToken,
    refreshTokenExpiration: session.rows.refreshTokenExpiration,
    jwtAccessToken,
    userId: account.userId,
    requires2FA: false,
    customerAccount: account,
  };
}
