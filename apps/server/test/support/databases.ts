// The databases every server suite runs against: a real SQLite file always, and PostgreSQL
// when TEST_DATABASE_URL is set (.ci/run sets it). Each test database is private: a fresh
// file, or a fresh schema dropped afterwards.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createDb, type Db, type Dialect } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";

export const POSTGRES_URL = process.env.TEST_DATABASE_URL;

export const DIALECTS: Dialect[] = POSTGRES_URL ? ["sqlite", "postgres"] : ["sqlite"];

export interface TestDatabase {
  dialect: Dialect;
  /** What DATABASE_URL a server process would need to reach this same database. */
  url: string;
  schema: string | undefined;
  open(): Db;
  drop(): Promise<void>;
}

export function testDatabase(dialect: Dialect): TestDatabase {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "kibo-auth-test-"));
    const url = join(dir, "test.sqlite");
    return {
      dialect,
      url,
      schema: undefined,
      open: () => createDb(url),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!POSTGRES_URL) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  return {
    dialect,
    url: POSTGRES_URL,
    schema,
    open: () => createDb(POSTGRES_URL, { schema }),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** Opens and migrates a fresh database of that dialect. */
export async function migratedDatabase(
  dialect: Dialect,
): Promise<{ db: Db; database: TestDatabase }> {
  const database = testDatabase(dialect);
  const db = database.open();
  await migrateToLatest(db);
  return { db, database };
}
