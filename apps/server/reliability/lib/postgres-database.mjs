// A whole PostgreSQL database of its own for a test run or a scenario, next to the one the admin
// URL names. Server processes take only a DATABASE_URL (no schema option), so a schema per test,
// as the in-process suites use, would not isolate them: a database does. Shared by the
// reliability script and the TypeScript suites (postgres-database.d.mts).
import { randomBytes } from "node:crypto";
import pg from "pg";

export async function freshPostgresDatabase(adminUrl, prefix = "e2e") {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = async (statement) => {
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
    async query(text) {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(text)).rows;
      } finally {
        await client.end();
      }
    },
    // WITH (FORCE) ends sessions a killed server may have left behind (PostgreSQL 13+).
    drop: () => admin(`drop database if exists ${name} with (force)`),
  };
}
