// The reliability script's shared machinery: fresh databases of either dialect, a client that
// checks every answer (spec, error body, secrets) and tallies it, and the integrity queries a
// crash must not break. Scenarios (scenarios.mjs) are written in terms of these.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { send } from "./http.mjs";
import { errorBodyProblems } from "./leaks.mjs";
import { freshPostgresDatabase } from "./postgres-database.mjs";
import { startServer } from "./server.mjs";
import { bodyOf } from "./spec-check.mjs";

export { integrityCounts, storedEmails } from "./integrity.mjs";

import { OAUTH } from "./requests.mjs";

export * from "./requests.mjs";

/** Answers whether a PostgreSQL server answers at `url` within two seconds. */
export async function postgresAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A database of its own for one scenario: `url` for the server, `query` from outside it. */
export async function freshDatabase(dialect, postgresUrl) {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "kibo-auth-reliability-"));
    const url = join(dir, "kibo-auth.sqlite");
    return {
      dialect,
      url,
      async query(text) {
        const database = new SqliteDatabase(url);
        try {
          database.pragma("busy_timeout = 5000");
          return database.prepare(text).all();
        } finally {
          database.close();
        }
      },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await freshPostgresDatabase(postgresUrl, "reliability");
  return { dialect, url: database.url, query: database.query, drop: database.drop };
}

/**
 * What one scenario sent and got back. Every answer is checked against the spec and, when it
 * is an error, for stack traces and SQL; tokens in answers are recorded as secrets.
 */
export class Tally {
  constructor(run) {
    this.run = run;
    this.sent = 0;
    this.accepted = 0;
    this.rejected = 0;
    this.unavailable = 0;
    this.serverErrors = 0;
    this.unanswered = 0;
    this.problems = [];
    this.statuses = new Map();
  }

  /** Sends one request and tallies its outcome (see http.mjs `send`). */
  async send(origin, request) {
    if (typeof request.body === "string") this.run.recordRequest(request.body);
    const outcome = await send(origin, request);
    this.count(request.method ?? "GET", new URL(request.path, origin).toString(), outcome);
    return outcome;
  }

  count(method, url, outcome) {
    this.sent += 1;
    if (outcome.status === undefined) {
      this.unanswered += 1;
      return;
    }
    const { status } = outcome;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status < 400) this.accepted += 1;
    else if (status < 500) this.rejected += 1;
    else if (status === 503) this.unavailable += 1;
    else this.serverErrors += 1;
    const { body, problem } = bodyOf(outcome.text ?? "", outcome.headers);
    const problems = problem
      ? [`${method} ${new URL(url, "http://localhost").pathname}: ${problem}`]
      : this.run.checker.check({ method, url, status, headers: outcome.headers, body });
    this.problems.push(...problems.map((line) => `spec: ${line}`));
    if (status >= 400) this.problems.push(...errorBodyProblems(outcome.text ?? ""));
    else this.run.recordAnswer(outcome.text);
  }

  /** "200 x3, 409 x97" */
  describeStatuses() {
    return [...this.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status} x${n}`)
      .join(", ");
  }
}

/** Starts the built server for a scenario; its output joins the run's secrets scan. */
export async function serverFor(run, database, env, name) {
  const server = await startServer({
    databaseUrl: database.url,
    env,
    name: `${run.dialect}: ${name}`,
  });
  run.sources.push({ name: server.name, lines: server.lines });
  return server;
}

export async function appToken(tally, origin, app) {
  tally.run.ledger.add(app.sharedSecret);
  const outcome = await tally.send(origin, {
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
  return JSON.parse(outcome.text).access_token;
}

export const json = { "content-type": "application/json" };
export const bearer = (token) => ({ authorization: `Bearer ${token}`, ...json });

export const broken = (counts) =>
  Object.entries(counts)
    .filter(([, n]) => n !== 0)
    .map(([what, n]) => `${what}: ${n}`);

/** Records every stored credential hash as a secret: the logs must not hold them. */
export async function recordHashes(run, database) {
  const rows = await database.query(
    "select password_hash, external_password_hash from credentials",
  );
  for (const row of rows) {
    run.ledger.add(row.password_hash);
    run.ledger.add(row.external_password_hash);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
