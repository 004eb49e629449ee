// Log-in, refresh, log-out and shopper-token checks: the rules, no SQL and no HTTP.

import { presentAccount } from "../accounts/account-presenter.js";
import type { AccountsRepository } from "../accounts/accounts.repository.js";
import type { CustomerAuthTicket } from "../accounts/accounts.schemas.js";
import { uniquenessKey } from "../accounts/accounts.service.js";
import type { AppPrincipal } from "../auth/app-tokens.js";
import { CUSTOMER_AUDIENCE } from "../auth/customer-tokens.js";
import { verifyExternalPassword } from "../auth/external-passwords.js";
import { isHashedWith, type PasswordHasher } from "../auth/password-hasher.js";
import { sha256 } from "../auth/secrets.js";
import { type SigningKeys, verifyServerJwt } from "../auth/signing-keys.js";
import type { Config } from "../config.js";
import { AccountLockedError, BearerTokenError, UnauthorizedError } from "../http/errors.js";
import { requestedLifetimes } from "./lifetimes.js";
import { deviceHash, planSession, ticketFor } from "./session-issuer.js";
import type { SessionsRepository } from "./sessions.repository.js";

export interface LogInRequest {
  username: string;
  password: string;
  accountId?: number | null | undefined;
  authTicketTtlMinutes?: number | null | undefined;
  refreshTokenTtlMinutes?: number | null | undefined;
  fingerprint?: string | null | undefined;
  region?: string | null | undefined;
}

/** A shopper proven by their own access token (opaque or JWT). */
export interface ShopperPrincipal {
  accountId: number;
  tenantId: number;
}

const BAD_CREDENTIALS = "The user name or password is not valid.";

export function createSessionsService(deps: {
  repository: SessionsRepository;
  accounts: AccountsRepository;
  hasher: PasswordHasher;
  keys: SigningKeys;
  config: Readonly<Config>;
  now: () => Date;
}) {
  const { repository, accounts, hasher, keys, config, now } = deps;
  // Verified when the user is unknown, so that an unknown user costs what a wrong password costs.
  // Made at the first need, not at start-up, where it would hold a hashing slot for nothing.
  let dummyHash: Promise<string> | undefined;

  async function ticket(
    app: AppPrincipal,
    accountId: number,
    session: ReturnType<typeof planSession>,
  ) {
    const account = await accounts.findAccount(app.tenantId, accountId);
    if (!account) throw new UnauthorizedError(BAD_CREDENTIALS);
    return ticketFor(
      { keys, issuer: config.tokens.issuer },
      session,
      { ...presentAccount(account, now()), id: account.id, userId: account.userId },
      { tenantId: app.tenantId, siteId: app.siteId },
    );
  }

  return {
    async logIn(app: AppPrincipal, request: LogInRequest): Promise<CustomerAuthTicket> {
      const lifetimes = requestedLifetimes(app, request, config.tokens);
      const candidate = await repository.findLoginCandidate(
        app.tenantId,
        uniquenessKey(request.username),
        request.accountId ?? undefined,
      );
      if (!candidate) {
        dummyHash ??= hasher.hash("no account has this password");
        await hasher.verify(await dummyHash, request.password);
        throw new UnauthorizedError(BAD_CREDENTIALS);
      }
      const external = candidate.passwordHash === null ? candidate.externalPasswordHash : null;
      const matches = candidate.passwordHash
        ? await hasher.verify(candidate.passwordHash, request.password)
        : external
          ? await verifyExternalPassword(external, request.password)
          : false;
      const at = now();
      const locked =
        candidate.lockedUntil !== null && Date.parse(candidate.lockedUntil) > at.getTime();
      if (!matches) {
        // A locked account answers a wrong password like any other: the lock is not revealed.
        if (!locked) {
          const until = new Date(at.getTime() + config.lockout.lockMinutes * 60_000).toISOString();
          await repository.recordFailure(
            candidate.accountId,
            config.lockout.maxFailures,
            until,
            at.toISOString(),
          );
        }
        throw new UnauthorizedError(BAD_CREDENTIALS);
      }
      if (locked) {
        throw new AccountLockedError(
          `The account is locked after repeated failed log-ins until ${candidate.lockedUntil}.`,
        );
      }
      await repository.recordSuccess(candidate.accountId);
      const outdated =
        candidate.passwordHash !== null &&
        !isHashedWith(candidate.passwordHash, config.hashing.params);
      if (external || outdated) {
        await repository.replacePasswordHash(
          candidate.accountId,
          await hasher.hash(request.password),
          at.toISOString(),
        );
      }

      const device = { fingerprint: request.fingerprint ?? null, region: request.region ?? null };
      if (
        config.twoFactorPolicy === "new-device" &&
        !(await repository.isTrustedDevice(candidate.accountId, deviceHash(device)))
      ) {
        const account = await accounts.findAccount(app.tenantId, candidate.accountId);
        const stamp = at.toISOString();
        // No session until the second factor: no token, nothing but who must complete it.
        return {
          accessToken: null,
          accessTokenExpiration: stamp,
          refreshToken: null,
          refreshTokenExpiration: stamp,
          jwtAccessToken: null,
          userId: account?.userId ?? null,
          requires2FA: true,
          customerAccount: {
            id: candidate.accountId,
            userId: account?.userId ?? null,
            emailAddress: account?.emailAddress ?? "",
          },
        };
      }
      const session = planSession(at, lifetimes, device);
      await repository.createSession({ ...session.rows, accountId: candidate.accountId });
      return ticket(app, candidate.accountId, session);
    },

    async refresh(
      app: AppPrincipal,
      refreshToken: string,
      accountId: number | undefined,
    ): Promise<CustomerAuthTicket> {
      const presentedHash = sha256(refreshToken);
      const found = await repository.findRefreshToken(presentedHash);
      const at = now();
      const refuse = () => new UnauthorizedError("The refresh token is not valid.");
      if (!found || found.tenantId !== app.tenantId || found.revokedAt !== null) throw refuse();
      if (accountId !== undefined && accountId !== found.accountId) throw refuse();
      if (found.rotatedAt !== null) {
        // Used twice: someone holds a copy. End the whole family, the shopper logs in again.
        await repository.revokeFamily(found.familyId, at.toISOString());
        throw refuse();
      }
      if (Date.parse(found.expiresAt) <= at.getTime()) throw refuse();
      const session = planSession(
        at,
        found.lifetimes,
        { fingerprint: found.fingerprint, region: found.region },
        { id: found.familyId, isNew: false },
      );
      const rotated = await repository.rotate(presentedHash, {
        ...session.rows,
        accountId: found.accountId,
      });
      if (!rotated) {
        await repository.revokeFamily(found.familyId, at.toISOString());
        throw refuse();
      }
      return ticket(app, found.accountId, session);
    },

    /** Log-out: the family of the token ends; unknown tokens end nothing and say nothing. */
    async logOut(app: AppPrincipal, refreshToken: string): Promise<void> {
      const found = await repository.findRefreshToken(sha256(refreshToken));
      if (found && found.tenantId === app.tenantId) {
        await repository.revokeFamily(found.familyId, now().toISOString());
      }
    },

    /** A shopper's own token: a jwtAccessToken of this server, or an opaque accessToken. */
    async authenticateShopper(token: string): Promise<ShopperPrincipal> {
      const refuse = () => new BearerTokenError("The shopper token is not valid.");
      if (token.split(".").length === 3) {
        try {
          const payload = await verifyServerJwt(keys, token, {
            issuer: config.tokens.issuer,
            audience: CUSTOMER_AUDIENCE,
            now: now(),
            requiredClaims: ["exp", "sid"],
          });
          const { accountId, tenant, sid } = payload;
          if (
            !Number.isInteger(accountId) ||
            !Number.isInteger(tenant) ||
            typeof sid !== "string"
          ) {
            throw refuse();
          }
          if (await repository.isFamilyRevoked(sid)) throw refuse();
          return { accountId: accountId as number, tenantId: tenant as number };
        } catch {
          throw refuse();
        }
      }
      const found = await repository.findAccessToken(sha256(token));
      if (!found || found.revokedAt !== null || Date.parse(found.expiresAt) <= now().getTime()) {
        throw refuse();
      }
      return { accountId: found.accountId, tenantId: found.tenantId };
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
