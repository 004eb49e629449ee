// Sign-up and account reads: normalisation, password policy, token lifetimes, hashing before
// any transaction, and what the shopper gets back. No SQL and no HTTP here.
import { randomUUID } from "node:crypto";
import type { AppPrincipal } from "../auth/app-tokens.js";
import type { PasswordHasher } from "../auth/password-hasher.js";
import type { SigningKeys } from "../auth/signing-keys.js";
import type { Config } from "../config.js";
import {
  ConflictError,
  ForbiddenError,
  InvalidParameterError,
  NotFoundError,
} from "../http/errors.js";
import { requestedLifetimes } from "../sessions/lifetimes.js";
import { deviceHash, planSession, ticketFor } from "../sessions/session-issuer.js";
import { presentAccount } from "./account-presenter.js";
import {
  type AccountsRepository,
  type ChildKind,
  type StoredAccount,
  UniqueViolation,
} from "./accounts.repository.js";
import type {
  CustomerAccount,
  CustomerAccountAndAuthInfo,
  CustomerAuthTicket,
} from "./accounts.schemas.js";

/** What uniqueness is judged on: surrounding white space and case do not make a new name. */
export const uniquenessKey = (value: string) => value.trim().normalize("NFC").toLowerCase();

/** Who reads an account: an application of a tenant, or a shopper (only their own). */
export type AccountReader =
  | { kind: "application"; tenantId: number }
  | { kind: "shopper"; tenantId: number; accountId: number };

export function createAccountsService(deps: {
  repository: AccountsRepository;
  hasher: PasswordHasher;
  keys: SigningKeys;
  config: Readonly<Config>;
  now: () => Date;
}) {
  const { repository, hasher, keys, config, now } = deps;

  function credentialInput(request: CustomerAccountAndAuthInfo) {
    const password = request.password ?? undefined;
    const external = request.externalPassword ?? undefined;
    const invalid = (name: string, value: string) =>
      new InvalidParameterError(`Missing or invalid parameter: ${name} ${value}`, [
        { name, value },
      ]);
    if (external !== undefined && request.isImport !== true) {
      throw invalid("externalPassword", "is accepted only with isImport: true");
    }
    if (external !== undefined && password !== undefined) {
      throw invalid("externalPassword", "cannot be sent together with password");
    }
    if (external !== undefined)
      return { kind: "external" as const, externalPasswordHash: external };
    if (password === undefined) throw invalid("password", "is required");
    return { kind: "password" as const, password };
  }

  return {
    async signUp(
      app: AppPrincipal,
      request: CustomerAccountAndAuthInfo,
    ): Promise<CustomerAuthTicket> {
      const { account } = request;
      const emailAddress = account.emailAddress.trim();
      const userName = (account.userName ?? emailAddress).trim();
      if (userName === "") {
        throw new InvalidParameterError("Missing or invalid parameter: account.userName is blank", [
          { name: "account.userName", value: "must not be blank" },
        ]);
      }
      const credential = credentialInput(request);
      const lifetimes = requestedLifetimes(app, request, config.tokens);
      const emailKey = uniquenessKey(emailAddress);
      const userNameKey = uniquenessKey(userName);

      // Cheap refusal before the expensive hash; the unique index still decides under races.
      const taken = await repository.findTaken(app.tenantId, emailKey, userNameKey);
      if (taken) throw conflict(taken);

      // Hash first, outside any transaction: a sign-up never holds the database while it hashes.
      const passwordHash =
        credential.kind === "password" ? await hasher.hash(credential.password) : null;

      const at = now();
      const device = { fingerprint: request.fingerprint ?? null, region: request.region ?? null };
      // The device that signs up is trusted: it will not be asked for a second factor.
      const session = planSession(at, lifetimes, device);
      const stored = {
        tenantId: app.tenantId,
        userId: randomUUID().replaceAll("-", ""),
        emailAddress,
        emailKey,
        userName,
        userNameKey,
        firstName: account.firstName ?? null,
        lastName: account.lastName ?? null,
        localeCode: account.localeCode ?? null,
        customerSet: account.customerSet ?? null,
        companyOrOrganization: account.companyOrOrganization ?? null,
        taxId: account.taxId ?? null,
        externalId: account.externalId ?? null,
        accountType: account.accountType ?? null,
        acceptsMarketing: account.acceptsMarketing ?? null,
        taxExempt: account.taxExempt ?? null,
        hasExternalPassword: credential.kind === "external",
        at: at.toISOString(),
        by: `app:${app.clientId}`,
      };
      let created: Awaited<ReturnType<AccountsRepository["createAccount"]>>;
      try {
        created = await repository.createAccount(
          stored,
          {
            passwordHash,
            externalPasswordHash:
              credential.kind === "external" ? credential.externalPasswordHash : null,
          },
          childrenOf(account),
          { ...session.rows, trustDeviceHash: deviceHash(device) },
        );
      } catch (error) {
        if (error instanceof UniqueViolation) throw conflict(error.field);
        throw error;
      }
      const full: StoredAccount = {
        ...stored,
        id: created.id,
        lockedUntil: null,
        updatedAt: stored.at,
        updatedBy: stored.by,
        children: created.children,
      };
      return ticketFor(
        { keys, issuer: config.tokens.issuer },
        session,
        { ...presentAccount(full, at), id: full.id, userId: full.userId },
        { tenantId: app.tenantId, siteId: app.siteId },
      );
    },

    async read(
      reader: AccountReader,
      accountId: number,
      userId: string | undefined,
    ): Promise<CustomerAccount> {
      if (reader.kind === "shopper" && reader.accountId !== accountId) {
        throw new ForbiddenError("A shopper may read only their own account.");
      }
      const account = await repository.findAccount(reader.tenantId, accountId);
      if (!account || (userId !== undefined && account.userId !== userId)) {
        throw new NotFoundError(`Account ${accountId} was not found.`);
      }
      return presentAccount(account, now());
    },
  };
}

function conflict(field: "emailAddress" | "userName"): ConflictError {
  const label = field === "emailAddress" ? "email address" : "user name";
  return new ConflictError(`An account with this ${label} already exists.`, [
    { name: `account.${field}`, value: "is already taken" },
  ]);
}

/** The children as they are stored: what the shopper controls, without server-set fields. */
function childrenOf(account: CustomerAccount): Record<ChildKind, Record<string, unknown>[]> {
  const strip = <T extends object>(items: T[] | null | undefined, drop: string[]) =>
    (items ?? []).map((item) =>
      Object.fromEntries(Object.entries(item).filter(([key]) => !drop.includes(key))),
    );
  return {
    contacts: strip(account.contacts, ["id", "accountId", "auditInfo"]),
    attributes: strip(account.attributes, ["auditInfo"]),
    notes: strip(account.notes, ["id", "auditInfo"]),
    segments: strip(account.segments, ["auditInfo"]),
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
