// StoredAccount -> the CustomerAccount of the wire, every field present (null when unset), as
// Kibo answers. One function, used by sign-up, log-in and the account read alike.
import type { ChildKind, StoredAccount, StoredChild } from "./accounts.repository.js";
import type { CustomerAccount } from "./accounts.schemas.js";

export function presentAccount(account: StoredAccount, now: Date): CustomerAccount {
  const auditInfo = {
    createDate: account.at,
    updateDate: account.updatedAt,
    createBy: account.by,
    updateBy: account.updatedBy,
  };
  return {
    id: account.id,
    userId: account.userId,
    emailAddress: account.emailAddress,
    userName: account.userName,
    firstName: account.firstName,
    lastName: account.lastName,
    localeCode: account.localeCode,
    customerSet: account.customerSet,
    companyOrOrganization: account.companyOrOrganization,
    taxId: account.taxId,
    externalId: account.externalId,
    accountType: account.accountType,
    isAnonymous: false,
    isLocked: account.lockedUntil !== null && Date.parse(account.lockedUntil) > now.getTime(),
    isActive: true,
    acceptsMarketing: account.acceptsMarketing,
    hasExternalPassword: account.hasExternalPassword,
    taxExempt: account.taxExempt,
    migrationRequired: false,
    customerSinceDate: account.at,
    last2FaDate: null,
    auditInfo,
    commerceSummary: {
      totalOrderAmount: { currencyCode: null, amount: 0 },
      orderCount: 0,
      wishlistCount: 0,
      visitsCount: 0,
      lastOrderDate: null,
    },
    ...presentChildren(account.id, account.children, {
      createDate: account.at,
      updateDate: account.at,
      createBy: account.by,
      updateBy: account.by,
    }),
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
      // A segment's id names an existing segment: kept as sent, else the row's own.
      id: typeof data.id === "number" ? data.id : id,
      code: field(data, "code"),
      name: field(data, "name"),
      description: field(data, "description"),
      auditInfo,
    })),
  };
}
