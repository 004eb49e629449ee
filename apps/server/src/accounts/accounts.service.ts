// Sign-up rules: normalisation, password policy, token lifetimes, hashing before any
// transaction, and the ticket the shopper gets. No SQL and no HTTP here.
import { randomUUID } from "node:crypto";
import type { AppPrincipal } from "../auth/app-tokens.js";
import { planSession, signCustomerJwt } from "../auth/customer-tokens.js";
import type { PasswordHasher } from "../auth/password-hasher.js";
import type { SigningKeys } from "../auth/signing-keys.js";
import type { Config } from "../config.js";
import { ConflictError, ForbiddenError, InvalidParameterError } from "../http/errors.js";
import {
  type AccountsRepository,
  type ChildKind,
  type StoredChild,
  UniqueViolation,
} from "./accounts.repository.js";
import type {
  CustomerAccount,
  CustomerAccountAndAuthInfo,
  CustomerAuthTicket,
} from "./accounts.schemas.js";

export const CONFIGURE_TOKEN_DURATIONS = "customer-auth:configure-token-durations";

/** What uniqueness is judged on: surrounding white space and case do not make a new name. */
export const uniquenessKey = (value: string) => value.trim().normalize("NFC").toLowerCase();

export function createAccountsService(deps: {
  repository: AccountsRepository;
  hasher: PasswordHasher;
  keys: SigningKeys;
  config: Readonly<Config>;
  now: () => Date;
}) {
  const { repository, hasher, keys, config, now } = deps;

  function lifetimes(app: AppPrincipal, request: CustomerAccountAndAuthInfo) {
    const asked = {
      access: request.authTicketTtlMinutes ?? undefined,
      refresh: request.refreshTokenTtlMinutes ?? undefined,
    };
    if (asked.access === undefined && asked.refresh === undefined) {
      return { access: config.tokens.accessTtlMinutes, refresh: config.tokens.refreshTtlMinutes };
    }
    if (!app.behaviors.includes(CONFIGURE_TOKEN_DURATIONS)) {
      throw new ForbiddenError(
        `Choosing token lifetimes needs the application behavior ${CONFIGURE_TOKEN_DURATIONS}.`,
      );
    }
    const over = [
      ["authTicketTtlMinutes", asked.access, config.tokens.tenantMaxAccessTtlMinutes],
      ["refreshTokenTtlMinutes", asked.refresh, config.tokens.tenantMaxRefreshTtlMinutes],
    ] as const;
    const problems = over
      .filter(([, value, cap]) => value !== undefined && value > cap)
      .map(([name, , cap]) => ({ name, value: `must be at most ${cap} (the tenant's cap)` }));
    if (problems.length > 0) {
      throw new InvalidParameterError(
        `Missing or invalid parameter: ${problems.map((p) => `${p.name} ${p.value}`).join("; ")}`,
        problems,
      );
    }
    return {
      access: asked.access ?? config.tokens.accessTtlMinutes,
      refresh: asked.refresh ?? config.tokens.refreshTtlMinutes,
    };
  }

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
      const ttl = lifetimes(app, request);
      const emailKey = uniquenessKey(emailAddress);
      const userNameKey = uniquenessKey(userName);

      // Cheap refusal before the expensive hash; the unique index still decides under races.
      const taken = await repository.findTaken(app.tenantId, emailKey, userNameKey);
      if (taken) throw conflict(taken);

      // Hash first, outside any transaction: a sign-up never holds the database while it hashes.
      const passwordHash =
        credential.kind === "password" ? await hasher.hash(credential.password) : null;

      const at = now();
      const session = planSession(at, ttl.access, ttl.refresh);
      const by = `app:${app.clientId}`;
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
        by,
      };
      const children = childrenOf(account);
      let created: Awaited<ReturnType<AccountsRepository["createAccount"]>>;
      try {
        created = await repository.createAccount(
          stored,
          {
            passwordHash,
            externalPasswordHash:
              credential.kind === "external" ? credential.externalPasswordHash : null,
          },
          children,
          {
            familyId: session.familyId,
            accessTokenHash: session.accessTokenHash,
            refreshTokenHash: session.refreshTokenHash,
            accessTokenExpiration: session.accessTokenExpiration.toISOString(),
            refreshTokenExpiration: session.refreshTokenExpiration.toISOString(),
            fingerprint: request.fingerprint ?? null,
            region: request.region ?? null,
          },
        );
      } catch (error) {
        if (error instanceof UniqueViolation) throw conflict(error.field);
        throw error;
      }

      const jwtAccessToken = await signCustomerJwt(keys, config.tokens.issuer, {
        userId: stored.userId,
        accountId: created.id,
        tenantId: app.tenantId,
        siteId: app.siteId,
        familyId: session.familyId,
        issuedAt: at,
        expiresAt: session.accessTokenExpiration,
      });
      const audit = { createDate: stored.at, updateDate: stored.at, createBy: by, updateBy: by };
      const customerAccount: CustomerAccount = {
        id: created.id,
        userId: stored.userId,
        emailAddress: stored.emailAddress,
        userName: stored.userName,
        firstName: stored.firstName,
        lastName: stored.lastName,
        localeCode: stored.localeCode,
        customerSet: stored.customerSet,
        companyOrOrganization: stored.companyOrOrganization,
        taxId: stored.taxId,
        externalId: stored.externalId,
        accountType: stored.accountType,
        isAnonymous: false,
        isLocked: false,
        isActive: true,
        acceptsMarketing: stored.acceptsMarketing,
        hasExternalPassword: stored.hasExternalPassword,
        taxExempt: stored.taxExempt,
        migrationRequired: false,
        customerSinceDate: stored.at,
        last2FaDate: null,
        auditInfo: audit,
        commerceSummary: {
          totalOrderAmount: { currencyCode: null, amount: 0 },
          orderCount: 0,
          wishlistCount: 0,
          visitsCount: 0,
          lastOrderDate: null,
        },
        ...presentChildren(created.id, created.children, audit),
      };
      return {
        accessToken: session.accessToken,
        accessTokenExpiration: session.accessTokenExpiration.toISOString(),
        refreshToken: session.refreshToken,
        refreshTokenExpiration: session.refreshTokenExpiration.toISOString(),
        jwtAccessToken,
        userId: stored.userId,
        // The device that signs up is the trusted one under every policy: nothing to ask yet.
        requires2FA: false,
        customerAccount,
      };
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
    // A segment's id names an existing segment: kept as sent.
    segments: strip(account.segments, ["auditInfo"]),
  };
}

type Audit = { createDate: string; updateDate: string; createBy: string; updateBy: string };

function presentChildren(
  accountId: number,
  stored: Record<ChildKind, StoredChild[]>,
  auditInfo: Audit,
) {
  const field = (data: Record<string, unknown>, key: string) => (data[key] ?? null) as never;
  return {
    contacts: stored.contacts.map(({ id, data }) => ({
      id,
      accountId,
      email: field(data, "email"),
      firstName: field(data, "firstName"),
      middleNameOrInitial: field(data, "middleNameOrInitial"),
      lastNameOrSurname: field(data, "lastNameOrSurname"),
      companyOrOrganization: field(data, "companyOrOrganization"),
      faxNumber: field(data, "faxNumber"),
      label: field(data, "label"),
      phoneNumbers: { home: null, mobile: null, work: null, ...(data.phoneNumbers ?? {}) },
      address: {
        address1: null,
        address2: null,
        address3: null,
        address4: null,
        cityOrTown: null,
        stateOrProvince: null,
        postalOrZipCode: null,
        countryCode: null,
        addressType: null,
        isValidated: null,
        ...(data.address ?? {}),
      },
      types: field(data, "types") ?? [],
      auditInfo,
    })),
    attributes: stored.attributes.map(({ data }) => ({
      attributeDefinitionId: field(data, "attributeDefinitionId"),
      fullyQualifiedName: field(data, "fullyQualifiedName"),
      values: field(data, "values"),
      auditInfo,
    })),
    notes: stored.notes.map(({ id, data }) => ({ id, content: field(data, "content"), auditInfo })),
    segments: stored.segments.map(({ id, data }) => ({
      id: typeof data.id === "number" ? data.id : id,
      code: field(data, "code"),
      name: field(data, "name"),
      description: field(data, "description"),
      auditInfo,
    })),
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
