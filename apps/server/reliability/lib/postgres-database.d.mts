// Types of postgres-database.mjs.
export interface FreshPostgresDatabase {
  name: string;
  /** DATABASE_URL for a server process. */
  url: string;
  /** Runs one query on it (for checks a test makes from outside the servers). */
  query<Row = Record<string, unknown>>(text: string): Promise<Row[]>;
  drop(): Promise<void>;
}
export function freshPostgresDatabase(
  adminUrl: string,
  prefix?: string,
): Promise<FreshPostgresDatabase>;
