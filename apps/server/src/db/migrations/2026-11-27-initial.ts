// The first schema. Frozen: later changes get a migration of their own.
import type { Kysely } from "kysely";

// `any`: a migration is frozen in time and must not follow later edits of the table types.
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, dialect: "sqlite" | "postgres"): Promise<void> {
  // int32 surrogate keys: Kibo's ids are int32.
  const serial = dialect === "postgres" ? "serial" : "integer";
  const bool = dialect === "postgres" ? "boolean" : "integer";
  const autoId = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn("id", serial, (col) =>
        dialect === "postgres" ? col.primaryKey() : col.primaryKey().autoIncrement(),
      );

  await db.schema
    .createTable("tenants")
    .addColumn("id", "integer", (col) => col.primaryKey())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("domain", "text")
    .addColumn("is_dev", bool, (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("sites")
    .addColumn("id", "integer", (col) => col.primaryKey())
    .addColumn("tenant_id", "integer", (col) => col.notNull().references("tenants.id"))
    .addColumn("name", "text", (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("applications")
    .addColumn("client_id", "text", (col) => col.primaryKey())
    .addColumn("secret_hash", "text", (col) => col.notNull())
    .addColumn("tenant_id", "integer", (col) => col.notNull().references("tenants.id"))
    .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id"))
    .addColumn("behaviors", "text", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .execute();

  await db.schema
    .createTable("application_refresh_tokens")
    .addColumn("token_hash", "text", (col) => col.primaryKey())
    .addColumn("client_id", "text", (col) =>
      col.notNull().references("applications.client_id").onDelete("cascade"),
    )
    .addColumn("expires_at", "text", (col) => col.notNull())
    .execute();

  await autoId("accounts")
    .addColumn("tenant_id", "integer", (col) => col.notNull().references("tenants.id"))
    .addColumn("user_id", "text", (col) => col.notNull().unique())
    .addColumn("email_address", "text", (col) => col.notNull())
    .addColumn("email_key", "text", (col) => col.notNull())
    .addColumn("user_name", "text", (col) => col.notNull())
    .addColumn("user_name_key", "text", (col) => col.notNull())
    .addColumn("first_name", "text")
    .addColumn("last_name", "text")
    .addColumn("locale_code", "text")
    .addColumn("customer_set", "text")
    .addColumn("company_or_organization", "text")
    .addColumn("tax_id", "text")
    .addColumn("external_id", "text")
    .addColumn("account_type", "text")
    .addColumn("accepts_marketing", bool)
    .addColumn("tax_exempt", bool)
    .addColumn("is_active", bool, (col) => col.notNull())
    .addColumn("is_locked", bool, (col) => col.notNull())
    .addColumn("has_external_password", bool, (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("updated_at", "text", (col) => col.notNull())
    .addColumn("created_by", "text", (col) => col.notNull())
    .addColumn("updated_by", "text", (col) => col.notNull())
    .execute();
  // Duplicates are impossible, even under concurrent sign-ups: the database refuses them.
  await db.schema
    .createIndex("accounts_tenant_email_key")
    .on("accounts")
    .columns(["tenant_id", "email_key"])
    .unique()
    .execute();
  await db.schema
    .createIndex("accounts_tenant_user_name_key")
    .on("accounts")
    .columns(["tenant_id", "user_name_key"])
    .unique()
    .execute();

  await db.schema
    .createTable("credentials")
    .addColumn("account_id", "integer", (col) =>
      col.primaryKey().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("password_hash", "text")
    .addColumn("external_password_hash", "text")
    .addColumn("updated_at", "text", (col) => col.notNull())
    .execute();

  for (const table of [
    "account_contacts",
    "account_attributes",
    "account_notes",
    "account_segments",
  ]) {
    await autoId(table)
      .addColumn("account_id", "integer", (col) =>
        col.notNull().references("accounts.id").onDelete("cascade"),
      )
      .addColumn("position", "integer", (col) => col.notNull())
      .addColumn("data", "text", (col) => col.notNull())
      .addColumn("created_at", "text", (col) => col.notNull())
      .addColumn("created_by", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex(`${table}_account`).on(table).column("account_id").execute();
  }

  for (const table of ["access_tokens", "refresh_tokens"]) {
    await db.schema
      .createTable(table)
      .addColumn("token_hash", "text", (col) => col.primaryKey())
      .addColumn("account_id", "integer", (col) =>
        col.notNull().references("accounts.id").onDelete("cascade"),
      )
      .addColumn("family_id", "text", (col) => col.notNull())
      .addColumn("expires_at", "text", (col) => col.notNull())
      .addColumn("fingerprint", "text")
      .addColumn("region", "text")
      .addColumn("created_at", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex(`${table}_family`).on(table).column("family_id").execute();
  }

  await db.schema
    .createTable("signing_keys")
    .addColumn("kid", "text", (col) => col.primaryKey())
    .addColumn("private_jwk", "text", (col) => col.notNull())
    .addColumn("public_jwk", "text", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .execute();
}
