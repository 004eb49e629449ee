// A whole PostgreSQL database of its own for a test run, next to the one TEST_DATABASE_URL
// names. Server processes take only a DATABASE_URL (no schema option), so a schema per test,
// as the in-process suites use, would not isolate them: a database does.
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface FreshPostgresDatabase {
  name: string;
  /** DATABASE_URL for a server process. */
  url: string;
  /** Runs one query on it (for checks a test makes from outside the servers). */
  query<Row extends pg.QueryResultRow>(text: string): Promise<Row[]>;
  drop(): Promise<void>;
}

export async function freshPostgresDatabase(adminUrl: string): Promise<FreshPostgresDatabase> {
  const name = `e2e_${randomBytes(6).toString("hex")}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async query<Row extends pg.QueryResultRow>(text: string) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query<Row>(text)).rows;
      } finally {
        await client.end();
      }
    },
    // WITH (FORCE) ends sessions a killed server may have left behind (PostgreSQL 13+).
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}
