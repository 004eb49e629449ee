// The seed's request and response, exactly as openapi.yaml's examples give them. The type test
// checks them against the generated types; spec.test.ts checks they equal the YAML examples, so
// the two cannot drift apart.
import type { components } from "../generated/openapi.js";

type Schemas = components["schemas"];

const audit = {
  createDate: "2026-11-27T18:00:00.000Z",
  updateDate: "2026-11-27T18:00:00.000Z",
  createBy: "app:storefront",
  updateBy: "app:storefront",
} satisfies Schemas["AuditInfo"];

export const seedRequest = {
  account: {
    emailAddress: "ada.lovelace@example.com",
    userName: "ada.lovelace@example.com",
    firstName: "Ada",
    lastName: "Lovelace",
    localeCode: "en-GB",
    acceptsMarketing: true,
    taxExempt: false,
    contacts: [
      {
        email: "ada.lovelace@example.com",
        firstName: "Ada",
        lastNameOrSurname: "Lovelace",
        label: "Home",
        phoneNumbers: { mobile: "+44 20 7946 0958" },
        address: {
          address1: "12 St James's Square",
          cityOrTown: "London",
          postalOrZipCode: "SW1Y 4JH",
          countryCode: "GB",
          addressType: "Residential",
        },
        types: [{ name: "Billing", isPrimary: true }],
      },
    ],
    attributes: [{ fullyQualifiedName: "tenant~favourite-colour", values: ["green"] }],
    notes: [{ content: "Prefers delivery after 5 pm." }],
  },
  password: "correct-horse-battery-staple",
  fingerprint: "3f7c9a1e-browser",
  region: "eu-west",
} satisfies Schemas["CustomerAccountAndAuthInfo"];

export const seedResponse = {
  accessToken: "9VwJ2tQpZ1nX0sYk3rL8mB5cH7dF4gA6eT2uR0iO1pQ",
  accessTokenExpiration: "2026-11-27T18:30:00.000Z",
  refreshToken: "mZ8xC1vB3nM5aS7dF9gH2jK4lP6oI8uY0tR2eW4qA1s",
  refreshTokenExpiration: "2026-12-27T18:00:00.000Z",
  jwtAccessToken:
    "eyJhbGciOiJFUzI1NiIsImtpZCI6IjIwMjYtMTEta2V5In0.eyJzdWIiOiIxMDAwIn0.c2lnbmF0dXJl",
  userId: "7d1e8f0c2b4a4e6f9a3c5b7d9e1f3a5c",
  requires2FA: false,
  customerAccount: {
    id: 1000,
    userId: "7d1e8f0c2b4a4e6f9a3c5b7d9e1f3a5c",
    emailAddress: "ada.lovelace@example.com",
    userName: "ada.lovelace@example.com",
    firstName: "Ada",
    lastName: "Lovelace",
    localeCode: "en-GB",
    customerSet: "default",
    companyOrOrganization: null,
    taxId: null,
    externalId: null,
    accountType: "B2C",
    isAnonymous: false,
    isLocked: false,
    isActive: true,
    acceptsMarketing: true,
    hasExternalPassword: false,
    taxExempt: false,
    migrationRequired: false,
    customerSinceDate: "2026-11-27T18:00:00.000Z",
    last2FaDate: null,
    auditInfo: audit,
    commerceSummary: {
      totalOrderAmount: { currencyCode: "USD", amount: 0 },
      orderCount: 0,
      wishlistCount: 0,
      visitsCount: 0,
      lastOrderDate: null,
    },
    contacts: [
      {
        id: 1,
        accountId: 1000,
        email: "ada.lovelace@example.com",
        firstName: "Ada",
        middleNameOrInitial: null,
        lastNameOrSurname: "Lovelace",
        companyOrOrganization: null,
        faxNumber: null,
        label: "Home",
        phoneNumbers: { home: null, mobile: "+44 20 7946 0958", work: null },
        address: {
          address1: "12 St James's Square",
          address2: null,
          address3: null,
          address4: null,
          cityOrTown: "London",
          stateOrProvince: null,
          postalOrZipCode: "SW1Y 4JH",
          countryCode: "GB",
          addressType: "Residential",
          isValidated: false,
        },
        types: [{ name: "Billing", isPrimary: true }],
        auditInfo: audit,
      },
    ],
    attributes: [
      {
        attributeDefinitionId: null,
        fullyQualifiedName: "tenant~favourite-colour",
        values: ["green"],
        auditInfo: audit,
      },
    ],
    notes: [{ id: 1, content: "Prefers delivery after 5 pm.", auditInfo: audit }],
    segments: [],
  },
} satisfies Schemas["CustomerAuthTicket"];
