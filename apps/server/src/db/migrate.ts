// Migrations run at start-up: idempotent, and safe when two instances start at once.
import { type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Db } from "./database.js";
import * as initial from "./migrations/2026-11-27-initial.js";
import * as sessions from "./migrations/2026-11-27-sessions.js";

/** Named with an ISO date prefix so that they sort in the order they were written. */
function migrations(db: Db): Record<string, Migration> {
  return {
    "2026-11-27-initial": { up: (kysely) => initial.up(kysely, db.dialect) },
    "2026-11-27-sessions": { up: (kysely) => sessions.up(kysely, db.dialect) },
  };
}

// Any constant works; it only has to be the same in every instance.
const MIGRATION_LOCK_KEY = 7_346_112;

export async function migrateToLatest(db: Db): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(db) };
  const run = async () => {
    const { error, results } = await new Migrator({
      db: db.kysely,
      provider,
      // Without it Kysely looks for its tables in any schema, and test schemas side by side confuse it.
      ...(db.schema ? { migrationTableSchema: db.schema } : {}),
    }).migrateToLatest();
    const failed = results?.find((result) => result.status === "Error");
    if (error || failed) {
      throw new Error(`migration ${failed?.migrationName ?? ""} failed`, { cause: error });
    }
  };
  if (db.dialect === "sqlite") {
    // One writer at a time is SQLite's own rule; busy_timeout makes a second process wait.
    return run();
  }
  // Kysely's migrator locks its own table, but creating that table can itself race when two
  // instances start together; a session advisory lock serialises the whole step.
  await db.kysely.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      if (db.schema) {
        await sql`create schema if not exists ${sql.id(db.schema)}`.execute(connection);
      }
      await run();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}
