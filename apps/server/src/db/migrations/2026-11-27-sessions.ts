// Sessions beyond sign-up: token families (rotation, theft detection, log-out), log-in
// failure counting and lock-out, trusted devices for two-factor, and key retirement.
import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: a migration is frozen in time, see the first one
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, _dialect: "sqlite" | "postgres"): Promise<void> {
  await db.schema
    .createTable("token_families")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("account_id", "integer", (col) =>
      col.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("access_ttl_minutes", "integer", (col) => col.notNull())
    .addColumn("refresh_ttl_minutes", "integer", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema
    .createIndex("token_families_account")
    .on("token_families")
    .column("account_id")
    .execute();

  // Set when a refresh token is exchanged: presenting it again means it was copied.
  await db.schema.alterTable("refresh_tokens").addColumn("rotated_at", "text").execute();

  await db.schema
    .alterTable("accounts")
    .addColumn("failed_logins", "integer", (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("accounts").addColumn("locked_until", "text").execute();

  await db.schema
    .createTable("trusted_devices")
    .addColumn("account_id", "integer", (col) =>
      col.notNull().references("accounts.id").onDelete("cascade"),
    )
    .addColumn("device_hash", "text", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("trusted_devices_pk", ["account_id", "device_hash"])
    .execute();

  // A retired key signs nothing new and is published until every token it signed has expired.
  await db.schema.alterTable("signing_keys").addColumn("retired_at", "text").execute();
}
