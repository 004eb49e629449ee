// createDb(url) -> Kysely over SQLite or PostgreSQL. The only module that knows which dialect
// is in use: a file path or `file:` URL is SQLite (better-sqlite3, WAL), `postgres://` is a pg pool.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { Database, DbBool } from "./schema.js";

export type Dialect = "sqlite" | "postgres";

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL only: the schema every table lives in, when not the default one. */
  schema: string | undefined;
  /** A boolean as this dialect stores it: true/false on PostgreSQL, 1/0 on SQLite. */
  bool(value: boolean): DbBool;
  /** Answers whether the database takes a query right now (for /readyz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL only: the schema to create and use (tests isolate themselves with it). */
  schema?: string;
  /** PostgreSQL only: the most connections this process holds (DEFAULT_POOL_SIZE unless set). */
  poolSize?: number;
}

/**
 * PostgreSQL connections per process unless DATABASE_POOL_SIZE says otherwise. A sign-up holds
 * one only for its short transaction (never while hashing), so a few serve many requests.
 */
export const DEFAULT_POOL_SIZE = 10;

function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}

export function createDb(url: string, options: DbOptions = {}): Db {
  return dialectOf(url) === "postgres" ? createPostgres(url, options) : createSqlite(url);
}

function createSqlite(url: string): Db {
  const path =
    url === ":memory:" ? url : url.startsWith("file:") ? fileURLToPath(url) : resolve(url);
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  // WAL lets readers proceed while one writer commits; the busy timeout makes a second
  // process on the same file wait for the lock instead of failing at once.
  database.pragma("journal_mode = WAL");
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  database.pragma("synchronous = NORMAL");
  // Kysely asks better-sqlite3 to prepare every statement afresh; the SQL texts are few and
  // parameterised, so compile each once. Safe: Kysely runs one statement at a time per database.
  const prepared = new Map<string, SqliteDatabase.Statement>();
  const prepare = database.prepare.bind(database);
  database.prepare = ((source: string) => {
    let statement = prepared.get(source);
    if (!statement) {
      statement = prepare(source);
      prepared.set(source, statement);
    }
    return statement;
  }) as typeof database.prepare;
  const checkpointer = path === ":memory:" ? undefined : startCheckpointer(database, path);
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return {
    kysely,
    dialect: "sqlite",
    schema: undefined,
    bool: (value) => Number(value),
    ping: () => pingWith(kysely),
    close: async () => {
      await checkpointer?.stop();
      await kysely.destroy();
    },
  };
}

/** How often the checkpointing thread copies the WAL back into the database file. */
const CHECKPOINT_EVERY_MS = 1000;

// The thread's code: plain CommonJS, as the hashing threads', with its own connection.
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const timer = setInterval(() => db.pragma("wal_checkpoint(PASSIVE)"), workerData.everyMs);
parentPort.once("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * WAL checkpoints on a thread of their own. SQLite runs one inside the commit that takes the
 * WAL past 1000 pages: it copies them into the database file and syncs it, and on this machine
 * that held the event loop for 15-27 ms each time, every ~100 sign-ups (the slowest /healthz
 * answers under load). A PASSIVE checkpoint waits for no one and blocks no writer; once it has
 * copied everything, the next commit starts the WAL over, so the file stays small. Should the
 * thread end (a checkpoint that throws ends it), the commits checkpoint again as before.
 */
function startCheckpointer(database: SqliteDatabase.Database, path: string) {
  database.pragma("wal_autocheckpoint = 0");
  const worker = new Worker(CHECKPOINTER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve("better-sqlite3"),
      path,
      everyMs: CHECKPOINT_EVERY_MS,
    },
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
  });
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.on("error", () => {});
  void exited.then(() => {
    if (stopping) return;
    try {
      database.pragma("wal_autocheckpoint = 1000");
    } catch {
      // The connection is closed or broken too: its own queries will say so.
    }
  });
  return {
    stop: async () => {
      stopping = true;
      // Referenced while stopping: otherwise the process could end before the caller's next step.
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}

function createPostgres(url: string, options: DbOptions): Db {
  const schema = options.schema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error("invalid schema name");
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    // A dead server must not hang requests: fail fast, let /readyz report it.
    connectionTimeoutMillis: 5000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A client losing its connection (server restart, network cut) must not crash the process:
  // the pool's listener covers idle clients, this one clients checked out mid-transaction. The
  // query in flight fails on its own and is answered 503.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    dialect: "postgres",
    schema,
    bool: (value) => value,
    ping: () => pingWith(kysely),
    close: () => kysely.destroy(),
  };
}

async function pingWith(kysely: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(kysely);
    return true;
  } catch {
    return false;
  }
}

// PostgreSQL connection failures and server shutdowns, SQLite lock time-outs: the database is
// out of reach for now, which is an outage (503), not a bug (500).
const OUTAGE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000",
  "08001",
  "08003",
  "08006",
  "SQLITE_BUSY",
]);
const OUTAGE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i;

export function isDatabaseOutage(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    (typeof code === "string" && OUTAGE_CODES.has(code)) ||
    (typeof message === "string" && OUTAGE_MESSAGES.test(message))
  );
}
