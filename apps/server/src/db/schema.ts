// Table types: the only description of the database the TypeScript side has. Row types stay
// inside repositories and services; handlers never see them.
import type { Generated } from "kysely";

/** 0/1 on SQLite, boolean on PostgreSQL: repositories read with `toBool`, write with `db.bool`. */
export type DbBool = number | boolean;

export interface TenantTable {
  id: number;
  name: string;
  domain: string | null;
  is_dev: DbBool;
}

export interface SiteTable {
  id: number;
  tenant_id: number;
  name: string;
}

export interface ApplicationTable {
  client_id: string;
  /** SHA-256 of the shared secret, hex. Shared secrets are long random strings, so a fast hash suffices. */
  secret_hash: string;
  tenant_id: number;
  site_id: number;
  /** JSON array of behavior names. */
  behaviors: string;
  created_at: string;
}

export interface ApplicationRefreshTokenTable {
  token_hash: string;
  client_id: string;
  expires_at: string;
}

export interface AccountTable {
  id: Generated<number>;
  tenant_id: number;
  user_id: string;
  email_address: string;
  /** trim + lower-case of email_address: what uniqueness is judged on. */
  email_key: string;
  user_name: string;
  user_name_key: string;
  first_name: string | null;
  last_name: string | null;
  locale_code: string | null;
  customer_set: string | null;
  company_or_organization: string | null;
  tax_id: string | null;
  external_id: string | null;
  account_type: string | null;
  accepts_marketing: DbBool | null;
  tax_exempt: DbBool | null;
  is_active: DbBool;
  is_locked: DbBool;
  has_external_password: DbBool;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
  /** Wrong passwords in a row since the last good one. */
  failed_logins: Generated<number>;
  /** Until when log-in is refused after too many failures; null when not locked. */
  locked_until: string | null;
}

export interface CredentialTable {
  account_id: number;
  /** argon2id PHC string; null for an imported account that still has only its external hash. */
  password_hash: string | null;
  external_password_hash: string | null;
  updated_at: string;
}

/** Contacts, attributes, notes and segments: each row keeps the element's JSON as sent. */
export interface AccountChildTable {
  id: Generated<number>;
  account_id: number;
  position: number;
  data: string;
  created_at: string;
  created_by: string;
}

export interface CustomerTokenTable {
  token_hash: string;
  account_id: number;
  family_id: string;
  expires_at: string;
  fingerprint: string | null;
  region: string | null;
  created_at: string;
}

export interface RefreshTokenTable extends CustomerTokenTable {
  /** When the token was exchanged for a new one; presenting it again revokes its family. */
  rotated_at: string | null;
}

/** One shopper session and every token it ever had: rotation keeps the family, log-out ends it. */
export interface TokenFamilyTable {
  id: string;
  account_id: number;
  access_ttl_minutes: number;
  refresh_ttl_minutes: number;
  created_at: string;
  revoked_at: string | null;
}

export interface TrustedDeviceTable {
  account_id: number;
  /** SHA-256 of fingerprint and region: the device that may log in without a second factor. */
  device_hash: string;
  created_at: string;
}

export interface SigningKeyTable {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created_at: string;
  retired_at: string | null;
}

export interface Database {
  tenants: TenantTable;
  sites: SiteTable;
  applications: ApplicationTable;
  application_refresh_tokens: ApplicationRefreshTokenTable;
  accounts: AccountTable;
  credentials: CredentialTable;
  account_contacts: AccountChildTable;
  account_attributes: AccountChildTable;
  account_notes: AccountChildTable;
  account_segments: AccountChildTable;
  access_tokens: CustomerTokenTable;
  refresh_tokens: RefreshTokenTable;
  token_families: TokenFamilyTable;
  trusted_devices: TrustedDeviceTable;
  signing_keys: SigningKeyTable;
}

export const toBool = (value: DbBool | null): boolean | null =>
  value === null ? null : value === true || value === 1;
