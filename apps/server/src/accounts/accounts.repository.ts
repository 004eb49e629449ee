// All SQL about accounts, credentials and customer tokens. Row types stay in here.
import type { Kysely, Transaction } from "kysely";
import type { Db } from "../db/database.js";
import { type Database, toBool } from "../db/schema.js";
import { insertSession, type SessionRows } from "../sessions/sessions.repository.js";

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

/** An account as the service sees it: no row types, children included. */
export interface StoredAccount extends NewAccount {
  id: number;
  lockedUntil: string | null;
  updatedAt: string;
  updatedBy: string;
  children: Record<ChildKind, StoredChild[]>;
}

export interface NewCredential {
  passwordHash: string | null;
  externalPasswordHash: string | null;
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
  const bool = (value: boolean | null) => (value === null ? null : db.bool(value));

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
      session: Omit<SessionRows, "accountId">,
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
              is_active: db.bool(true),
              is_locked: db.bool(false),
              has_external_password: db.bool(account.hasExternalPassword),
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
          await insertSession(trx, { ...session, accountId: id });
          return { id, children: stored };
        });
      } catch (error) {
        throw asUniqueViolation(error) ?? error;
      }
    },

    /** The account with its children, as stored; undefined when not in that tenant. */
    async findAccount(tenantId: number, id: number): Promise<StoredAccount | undefined> {
      const row = await kysely
        .selectFrom("accounts")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("id", "=", id)
        .executeTakeFirst();
      if (!row) return undefined;
      const children = {} as Record<ChildKind, StoredChild[]>;
      for (const kind of Object.keys(CHILD_TABLES) as ChildKind[]) {
        const rows = await kysely
          .selectFrom(CHILD_TABLES[kind])
          .select(["id", "data"])
          .where("account_id", "=", id)
          .orderBy("position")
          .execute();
        children[kind] = rows.map((child) => ({
          id: child.id,
          data: JSON.parse(child.data) as Record<string, unknown>,
        }));
      }
      return {
        id: row.id,
        tenantId: row.tenant_id,
        userId: row.user_id,
        emailAddress: row.email_address,
        emailKey: row.email_key,
        userName: row.user_name,
        userNameKey: row.user_name_key,
        firstName: row.first_name,
        lastName: row.last_name,
        localeCode: row.locale_code,
        customerSet: row.customer_set,
        companyOrOrganization: row.company_or_organization,
        taxId: row.tax_id,
        externalId: row.external_id,
        accountType: row.account_type,
        acceptsMarketing: toBool(row.accepts_marketing),
        taxExempt: toBool(row.tax_exempt),
        hasExternalPassword: toBool(row.has_external_password) === true,
        lockedUntil: row.locked_until,
        at: row.created_at,
        by: row.created_by,
        updatedAt: row.updated_at,
        updatedBy: row.updated_by,
        children,
      };
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
