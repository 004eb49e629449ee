// All SQL about accounts, credentials and customer tokens. Row types stay in here.
import type { Kysely, Transaction } from "kysely";
import type { Db } from "../db/database.js";
import { type Database, toBool } from "../db/schema.js";

export class UniqueViolation extends Error {
  override name = "UniqueViolation";
  constructor(readonly field: "emailAddress" | "userName") {
    super(`duplicate ${field}`);
  }
}

export interface NewAccount {
  tenantId: number;
  userId: string;
  emailAddress: string;
  emailKey: string;
  userName: string;
  userNameKey: string;
  firstName: string | null;
  lastName: string | null;
  localeCode: string | null;
  customerSet: string | null;
  companyOrOrganization: string | null;
  taxId: string | null;
  externalId: string | null;
  accountType: string | null;
  acceptsMarketing: boolean | null;
  taxExempt: boolean | null;
  hasExternalPassword: boolean;
  at: string;
  by: string;
}

export interface NewCredential {
  passwordHash: string | null;
  externalPasswordHash: string | null;
}

export interface NewSessionRows {
  familyId: string;
  accessTokenHash: string;
  refreshTokenHash: string;
  accessTokenExpiration: string;
  refreshTokenExpiration: string;
  fingerprint: string | null;
  region: string | null;
}

export type ChildKind = "contacts" | "attributes" | "notes" | "segments";
const CHILD_TABLES = {
  contacts: "account_contacts",
  attributes: "account_attributes",
  notes: "account_notes",
  segments: "account_segments",
} as const;

export interface StoredChild {
  id: number;
  data: Record<string, unknown>;
}

export function createAccountsRepository(db: Db) {
  const { kysely } = db;
  const bool = (value: boolean | null) =>
    value === null ? null : db.dialect === "postgres" ? value : Number(value);

  return {
    /** Which of the two unique keys is taken already, if any (a fast path; the index decides). */
    async findTaken(tenantId: number, emailKey: string, userNameKey: string) {
      const row = await kysely
        .selectFrom("accounts")
        .select(["email_key", "user_name_key"])
        .where("tenant_id", "=", tenantId)
        .where((eb) =>
          eb.or([eb("email_key", "=", emailKey), eb("user_name_key", "=", userNameKey)]),
        )
        .executeTakeFirst();
      if (!row) return undefined;
      return row.email_key === emailKey ? "emailAddress" : "userName";
    },

    /**
     * One short transaction: the account, its credential, its children and its first session.
     * Throws UniqueViolation when another account holds the email address or user name.
     */
    async createAccount(
      account: NewAccount,
      credential: NewCredential,
      children: Record<ChildKind, Record<string, unknown>[]>,
      session: NewSessionRows,
    ): Promise<{ id: number; children: Record<ChildKind, StoredChild[]> }> {
      try {
        return await kysely.transaction().execute(async (trx) => {
          const { id } = await trx
            .insertInto("accounts")
            .values({
              tenant_id: account.tenantId,
              user_id: account.userId,
              email_address: account.emailAddress,
              email_key: account.emailKey,
              user_name: account.userName,
              user_name_key: account.userNameKey,
              first_name: account.firstName,
              last_name: account.lastName,
              locale_code: account.localeCode,
              customer_set: account.customerSet,
              company_or_organization: account.companyOrOrganization,
              tax_id: account.taxId,
              external_id: account.externalId,
              account_type: account.accountType,
              accepts_marketing: bool(account.acceptsMarketing),
              tax_exempt: bool(account.taxExempt),
              is_active: bool(true) as number | boolean,
              is_locked: bool(false) as number | boolean,
              has_external_password: bool(account.hasExternalPassword) as number | boolean,
              created_at: account.at,
              updated_at: account.at,
              created_by: account.by,
              updated_by: account.by,
            })
            .returning("id")
            .executeTakeFirstOrThrow();
          await trx
            .insertInto("credentials")
            .values({
              account_id: id,
              password_hash: credential.passwordHash,
              external_password_hash: credential.externalPasswordHash,
              updated_at: account.at,
            })
            .execute();
          const stored = {} as Record<ChildKind, StoredChild[]>;
          for (const kind of Object.keys(CHILD_TABLES) as ChildKind[]) {
            stored[kind] = await insertChildren(
              trx,
              CHILD_TABLES[kind],
              id,
              children[kind],
              account,
            );
          }
          const tokenRow = {
            account_id: id,
            family_id: session.familyId,
            fingerprint: session.fingerprint,
            region: session.region,
            created_at: account.at,
          };
          await trx
            .insertInto("access_tokens")
            .values({
              ...tokenRow,
              token_hash: session.accessTokenHash,
              expires_at: session.accessTokenExpiration,
            })
            .execute();
          await trx
            .insertInto("refresh_tokens")
            .values({
              ...tokenRow,
              token_hash: session.refreshTokenHash,
              expires_at: session.refreshTokenExpiration,
            })
            .execute();
          return { id, children: stored };
        });
      } catch (error) {
        throw asUniqueViolation(error) ?? error;
      }
    },

    async findAccountRow(id: number) {
      const row = await kysely
        .selectFrom("accounts")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirst();
      return row && { ...row, is_active: toBool(row.is_active), is_locked: toBool(row.is_locked) };
    },

    async findCredential(accountId: number) {
      return kysely
        .selectFrom("credentials")
        .selectAll()
        .where("account_id", "=", accountId)
        .executeTakeFirst();
    },

    async countAccounts(tenantId: number): Promise<number> {
      const row = await kysely
        .selectFrom("accounts")
        .select((eb) => eb.fn.countAll<string | number>().as("n"))
        .where("tenant_id", "=", tenantId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

async function insertChildren(
  trx: Transaction<Database> | Kysely<Database>,
  table: (typeof CHILD_TABLES)[ChildKind],
  accountId: number,
  items: Record<string, unknown>[],
  account: NewAccount,
): Promise<StoredChild[]> {
  const stored: StoredChild[] = [];
  for (const [position, data] of items.entries()) {
    const { id } = await trx
      .insertInto(table)
      .values({
        account_id: accountId,
        position,
        data: JSON.stringify(data),
        created_at: account.at,
        created_by: account.by,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    stored.push({ id, data });
  }
  return stored;
}

/** Recognises both dialects' unique-index violations on the two account keys. */
function asUniqueViolation(error: unknown): UniqueViolation | undefined {
  if (!error || typeof error !== "object") return undefined;
  const { code, message, constraint } = error as {
    code?: string;
    message?: string;
    constraint?: string;
  };
  const isUnique = code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
  if (!isUnique) return undefined;
  const where = `${constraint ?? ""} ${message ?? ""}`;
  if (where.includes("email_key")) return new UniqueViolation("emailAddress");
  if (where.includes("user_name_key")) return new UniqueViolation("userName");
  return undefined;
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
