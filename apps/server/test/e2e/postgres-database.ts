// A fresh PostgreSQL database per test run: the one implementation lives beside the reliability
// script, which runs without a TypeScript build.
export {
  type FreshPostgresDatabase,
  freshPostgresDatabase,
} from "../../reliability/lib/postgres-database.mjs";
