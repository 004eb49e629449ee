// The zod schemas of Add-Account-And-Login, component for component as openapi.yaml states
// them. The drift guard checks them against the generated types and the emitted document.
import { z } from "@hono/zod-openapi";
import { EXTERNAL_HASH_PATTERN } from "../auth/external-passwords.js";
import { HARD_CAPS } from "../config.js";
import { dateTime, EMAIL, int32, NO_NUL, nullableBoolean, text } from "../http/schema-helpers.js";

export const AuditInfoSchema = z
  .object({
    createDate: dateTime().nullable().optional(),
    updateDate: dateTime().nullable().optional(),
    createBy: text(),
    updateBy: text(),
  })
  .openapi("AuditInfo");

export const CurrencyAmountSchema = z
  .object({
    currencyCode: text(),
    amount: z.number().openapi({ format: "double" }).optional(),
  })
  .openapi("CurrencyAmount");

export const CommerceSummarySchema = z
  .object({
    totalOrderAmount: CurrencyAmountSchema.optional(),
    orderCount: int32().optional(),
    wishlistCount: int32().optional(),
    visitsCount: int32().optional(),
    lastOrderDate: dateTime().nullable().optional(),
  })
  .openapi("CommerceSummary");

export const CustomerAttributeSchema = z
  .object({
    attributeDefinitionId: int32().nullable().optional(),
    fullyQualifiedName: text(200),
    // Scalars only: arbitrary JSON here would let a body nest deeper than a stack.
    values: z
      .array(z.union([z.string().max(1000).regex(NO_NUL), z.number(), z.boolean(), z.null()]))
      .max(50)
      .nullable()
      .optional(),
    auditInfo: AuditInfoSchema.optional(),
  })
  .openapi("CustomerAttribute");

export const PhoneSchema = z
  .object({ home: text(32), mobile: text(32), work: text(32) })
  .openapi("Phone");

export const AddressSchema = z
  .object({
    address1: text(200),
    address2: text(200),
    address3: text(200),
    address4: text(200),
    cityOrTown: text(100),
    stateOrProvince: text(100),
    postalOrZipCode: text(32),
    countryCode: text(2),
    addressType: text(32),
    isValidated: nullableBoolean(),
  })
  .openapi("Address");

export const ContactTypeSchema = z
  .object({ name: text(32), isPrimary: z.boolean().optional() })
  .openapi("ContactType");

export const CustomerContactSchema = z
  .object({
    id: int32().nullable().optional(),
    accountId: int32().optional(),
    email: text(254),
    firstName: text(100),
    middleNameOrInitial: text(100),
    lastNameOrSurname: text(100),
    companyOrOrganization: text(200),
    faxNumber: text(32),
    label: text(100),
    phoneNumbers: PhoneSchema.optional(),
    address: AddressSchema.optional(),
    types: z.array(ContactTypeSchema).max(10).nullable().optional(),
    auditInfo: AuditInfoSchema.optional(),
  })
  .openapi("CustomerContact");

export const CustomerNoteSchema = z
  .object({ id: int32().optional(), content: text(2000), auditInfo: AuditInfoSchema.optional() })
  .openapi("CustomerNote");

export const CustomerSegmentSchema = z
  .object({
    id: int32().optional(),
    code: text(100),
    name: text(100),
    description: text(500),
    auditInfo: AuditInfoSchema.optional(),
  })
  .openapi("CustomerSegment");

export const CustomerAccountSchema = z
  .object({
    id: int32().optional(),
    userId: text(55),
    emailAddress: z.string().max(254).regex(EMAIL).openapi({ format: "email" }),
    userName: z.string().min(1).max(254).regex(NO_NUL).nullable().optional(),
    firstName: text(100),
    lastName: text(100),
    localeCode: text(16),
    customerSet: text(100),
    companyOrOrganization: text(200),
    taxId: text(100),
    externalId: text(200),
    accountType: text(32),
    isAnonymous: z.boolean().optional(),
    isLocked: z.boolean().optional(),
    isActive: z.boolean().optional(),
    acceptsMarketing: nullableBoolean(),
    hasExternalPassword: z.boolean().optional(),
    taxExempt: nullableBoolean(),
    migrationRequired: z.boolean().optional(),
    customerSinceDate: dateTime().nullable().optional(),
    last2FaDate: dateTime().nullable().optional(),
    auditInfo: AuditInfoSchema.optional(),
    commerceSummary: CommerceSummarySchema.optional(),
    attributes: z.array(CustomerAttributeSchema).max(50).nullable().optional(),
    contacts: z.array(CustomerContactSchema).max(20).nullable().optional(),
    notes: z.array(CustomerNoteSchema).max(20).nullable().optional(),
    segments: z.array(CustomerSegmentSchema).max(20).nullable().optional(),
  })
  .openapi("CustomerAccount");

/** What a sign-up and a log-in both say about the session they open. */
export const SessionRequestFields = {
  authTicketTtlMinutes: int32().min(1).max(HARD_CAPS.accessTokenTtlMinutes).nullable().optional(),
  refreshTokenTtlMinutes: int32()
    .min(1)
    .max(HARD_CAPS.refreshTokenTtlMinutes)
    .nullable()
    .optional(),
  fingerprint: text(256),
  region: text(64),
};

export const CustomerAccountAndAuthInfoSchema = z
  .object({
    account: CustomerAccountSchema,
    // Never trimmed or truncated: the password is hashed exactly as sent.
    password: z.string().min(8).max(128).nullable().optional(),
    externalPassword: z.string().max(1024).regex(EXTERNAL_HASH_PATTERN).nullable().optional(),
    isImport: nullableBoolean(),
    ...SessionRequestFields,
  })
  .openapi("CustomerAccountAndAuthInfo");

export const CustomerAuthTicketSchema = z
  .object({
    accessToken: z.string().nullable(),
    accessTokenExpiration: dateTime(),
    refreshToken: z.string().nullable(),
    refreshTokenExpiration: dateTime(),
    jwtAccessToken: z.string().nullable(),
    userId: z.string().nullable(),
    requires2FA: z.boolean(),
    customerAccount: CustomerAccountSchema,
  })
  .openapi("CustomerAuthTicket");

export type CustomerAccount = z.infer<typeof CustomerAccountSchema>;
export type CustomerAccountAndAuthInfo = z.infer<typeof CustomerAccountAndAuthInfoSchema>;
export type CustomerAuthTicket = z.infer<typeof CustomerAuthTicketSchema>;
