// What the reliability suites share: a watch over every response (spec, error bodies without
// stack traces or SQL, tokens recorded as secrets) and every log line (no secret may show up),
// databases a server process can use on either dialect, and the integrity checks a crash must
// not break (no account without its credential and session, no row without its account).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import SqliteDatabase from "better-sqlite3";
import { afterAll, beforeAll, expect } from "vitest";
import { type Outcome, send } from "../../reliability/lib/http.mjs";

export { integrityCounts, storedEmails } from "../../reliability/lib/integrity.mjs";

import { errorBodyProblems, SecretLedger } from "../../reliability/lib/leaks.mjs";
import { OAUTH } from "../../reliability/lib/requests.mjs";
import type { Dialect } from "../../src/db/database.js";
import { freshPostgresDatabase } from "../e2e/postgres-database.js";
import { POSTGRES_URL } from "../support/databases.js";
import { ensureBuilt, stopAllServers } from "../support/server-process.js";
import { assertMatchesSpec, SpecViolation, specValidator } from "../support/spec-validator.js";

export * from "../../reliability/lib/requests.mjs";

/**
 * One per suite: every response it provokes goes through `response()`, every log source is
 * registered with `logs()`, and `assertClean()` (in afterAll) fails the suite on any error
 * body with a stack trace or SQL, and on any secret in any log line.
 */
export class Watch {
  readonly ledger = new SecretLedger();
  readonly sources: { name: string; lines: readonly string[] }[] = [];
  readonly bodyProblems: string[] = [];
  responses = 0;

  /** Records the request's password, if it has one, as a secret. */
  request(body: unknown): void {
    if (body && typeof body === "object") {
      const { password, client_secret } = body as Record<string, unknown>;
      this.ledger.add(password);
      this.ledger.add(client_secret);
    }
  }

  /** Checks one response (without consuming it) and records the tokens it carries. */
  async response(response: Response): Promise<Response> {
    this.responses += 1;
    const text = await response.clone().text();
    this.text(response.status, text);
    return response;
  }

  /** The same for a response already read as text. */
  text(status: number, text: string): void {
    if (status >= 400) this.bodyProblems.push(...errorBodyProblems(text));
    else if (text.startsWith("{")) {
      try {
        this.ledger.addTokens(JSON.parse(text));
      } catch {
        // not JSON: nothing to record
      }
    }
  }

  logs(name: string, lines: readonly string[]): void {
    this.sources.push({ name, lines });
  }

  assertClean(): void {
    expect(this.responses, "the watch saw responses").toBeGreaterThan(0);
    expect(this.bodyProblems, "error bodies with a stack trace or SQL").toEqual([]);
    const lines = this.sources.reduce((sum, source) => sum + source.lines.length, 0);
    expect(lines, "the watch saw log lines").toBeGreaterThan(0);
    expect(this.ledger.leaks(this.sources), "secrets in the logs").toEqual([]);
  }
}

/** A fetch that checks every response against the spec and through a Watch. */
export function watchedFetch(watch: Watch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    if (typeof init?.body === "string") {
      try {
        watch.request(JSON.parse(init.body));
      } catch {
        // a hostile body: no password to record
      }
    }
    const response = await fetch(request.clone());
    await assertMatchesSpec(request.method, request.url, response);
    return watch.response(response);
  };
}

/**
 * One request to a server process through node:http (a fresh connection unless an agent is
 * given): a refused or reset connection is an outcome, not an exception. Every answer is
 * checked against the spec (throwing SpecViolation) and through the watch.
 */
export async function checkedSend(
  watch: Watch,
  origin: string,
  request: Parameters<typeof send>[1],
): Promise<Outcome> {
  if (typeof request.body === "string") {
    try {
      watch.request(JSON.parse(request.body));
    } catch {
      // not JSON: no password to record
    }
  }
  const outcome = await send(origin, request);
  if (outcome.status === undefined) return outcome;
  const headers = outcome.headers ?? new Headers();
  let body: unknown = outcome.text;
  if ((headers.get("content-type") ?? "").includes("json")) body = JSON.parse(outcome.text ?? "");
  const problems = specValidator().check({
    method: request.method ?? "GET",
    url: new URL(request.path, origin).toString(),
    status: outcome.status,
    headers,
    body,
  });
  if (problems.length > 0) throw new SpecViolation(problems.join("\n"));
  watch.responses += 1;
  watch.text(outcome.status, outcome.text ?? "");
  return outcome;
}

/** A database that a server process can be pointed at, and read from outside it. */
export interface ServerDatabase {
  dialect: Dialect;
  /** DATABASE_URL for the server process. */
  url: string;
  query<Row = Record<string, unknown>>(text: string): Promise<Row[]>;
  drop(): Promise<void>;
}

export async function serverDatabase(dialect: Dialect): Promise<ServerDatabase> {
  if (dialect === "postgres") {
    if (!POSTGRES_URL) throw new Error("TEST_DATABASE_URL is not set");
    const database = await freshPostgresDatabase(POSTGRES_URL);
    return {
      dialect,
      url: database.url,
      query: <Row>(text: string) => database.query(text) as Promise<Row[]>,
      drop: () => database.drop(),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "kibo-auth-reliability-"));
  const url = join(dir, "kibo-auth.sqlite");
  return {
    dialect,
    url,
    async query<Row>(text: string) {
      // A connection per query: the server process holds the file too, and WAL lets both in.
      const database = new SqliteDatabase(url);
      try {
        database.pragma("busy_timeout = 5000");
        return database.prepare(text).all() as Row[];
      } finally {
        database.close();
      }
    },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The set-up of a suite that runs built server processes on one fresh database of `dialect`:
 * builds once and makes the database before; afterwards stops every server, scans the logs of
 * the servers passed to `record` for secrets, drops the database, and fails the suite on
 * anything its `watch` saw.
 */
export function builtServerSuite(dialect: Dialect) {
  const watch = new Watch();
  const recorded: { name: string; lines: readonly string[] }[] = [];
  let database: ServerDatabase | undefined;
  beforeAll(async () => {
    await ensureBuilt();
    database = await serverDatabase(dialect);
  }, 180_000);
  afterAll(async () => {
    await stopAllServers();
    for (const server of recorded) watch.logs(server.name, server.lines);
    await database?.drop();
    watch.assertClean();
  });
  return {
    watch,
    /** The suite's database (made in beforeAll). */
    get db(): ServerDatabase {
      if (!database) throw new Error("the suite's database is made in beforeAll");
      return database;
    },
    record(server: { name: string; lines: readonly string[] }) {
      recorded.push(server);
    },
  };
}

export const allZero = (counts: Record<string, number>) =>
  Object.fromEntries(Object.keys(counts).map((key) => [key, 0]));

/** The JSON body of a text response; `any` on purpose, as readJson in test-app.ts. */
// biome-ignore lint/suspicious/noExplicitAny: probed freely, already checked against the spec
export const parse = (text: string | undefined): any => JSON.parse(text ?? "null");

/** An application's credentials, for server processes started with APP_CLIENT_ID. */
export interface AppCredentials {
  clientId: string;
  sharedSecret: string;
}

export function appCredentials(name: string): AppCredentials {
  return {
    clientId: `storefront.${name}`,
    sharedSecret: `${name}-shared-secret-${process.pid}-${Date.now()}`,
  };
}

/** The environment that configures `app` in a server process. */
export const appEnv = (app: AppCredentials): Record<string, string> => ({
  APP_CLIENT_ID: app.clientId,
  APP_SHARED_SECRET: app.sharedSecret,
});

/** An application token from a server process, through the watch. */
export async function appTokenFrom(
  watch: Watch,
  origin: string,
  app: AppCredentials,
): Promise<string> {
  watch.ledger.add(app.sharedSecret);
  const outcome = await checkedSend(watch, origin, {
    method: "POST",
    path: OAUTH,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: app.clientId,
      client_secret: app.sharedSecret,
      grant_type: "client_credentials",
    }),
  });
  if (outcome.status !== 200) throw new Error(`oauth answered ${outcome.status ?? outcome.error}`);
  return parse(outcome.text).access_token;
}

/**
 * Latencies (ms; -1 for a failed probe) of GET `url` every `intervalMs` for `durationMs`, as
 * seen from a process of its own (reliability/lib/probe.mjs), as a load balancer sees them:
 * the test's own busy event loop does not inflate them.
 */
export function probeFromAnotherProcess(
  url: string,
  durationMs: number,
  intervalMs = 20,
): Promise<number[]> {
  const script = fileURLToPath(new URL("../../reliability/lib/probe.mjs", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, url, String(durationMs), String(intervalMs)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += String(chunk);
    });
    child.on("error", reject);
    child.on("exit", () => {
      try {
        resolve(JSON.parse(output) as number[]);
      } catch {
        reject(new Error(`the prober printed no figures: ${output}`));
      }
    });
  });
}
