// `npm run reliability`: issue 6's figures, measured. Runs every load, fault, hostile-input,
// abuse-limit and secrets scenario against the built server (dist/, as `npm start` runs it) in
// child processes, on SQLite and on PostgreSQL (TEST_DATABASE_URL, else a postgres:// DATABASE_URL,
// else postgres://postgres@127.0.0.1:5432/test if it answers), and prints one table:
//
//   scenario | db | sent | accepted | rejected (4xx) | 503 | 5xx other | accounts lost | verdict
//
// Each scenario uses a database of its own (a temporary SQLite file, or a PostgreSQL database
// created and dropped for it), so runs never see each other's accounts. All load goes to
// 127.0.0.1, and every loop is bounded in count and time. Exits 1 when any verdict fails.
//
//   node reliability/run.mjs [--db sqlite|postgres] [--only <words in a scenario's function name>]
import { availableParallelism } from "node:os";
import { createClient } from "redis";
import { postgresAnswers } from "./lib/harness.mjs";
import { SecretLedger } from "./lib/leaks.mjs";
import { buildIfStale } from "./lib/server.mjs";
import { createSpecChecker, loadSpec } from "./lib/spec-check.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

async function postgresUrl() {
  const fromEnv =
    process.env.TEST_DATABASE_URL ??
    (/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "")
      ? process.env.DATABASE_URL
      : undefined);
  const url = fromEnv ?? "postgres://postgres@127.0.0.1:5432/test";
  return (await postgresAnswers(url)) ? url : undefined;
}

async function redisUrl() {
  const url = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const client = createClient({ url, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.quit().catch(() => {});
  }
}

function newRun(dialect, context) {
  const ledger = new SecretLedger();
  return {
    dialect,
    ...context,
    ledger,
    sources: [],
    /** What a scenario found worth showing as it is (a crashed server's last lines). */
    diagnostics: (text) => console.log(`\n${text}`),
    /** Passwords and shared secrets in a request body are secrets. */
    recordRequest(body) {
      try {
        const parsed = JSON.parse(body);
        ledger.add(parsed?.password);
        ledger.add(parsed?.client_secret);
      } catch {
        // a hostile body: no password to record
      }
    },
    /** Tokens in an answer are secrets. */
    recordAnswer(text) {
      if (!text?.startsWith("{")) return;
      try {
        ledger.addTokens(JSON.parse(text));
      } catch {
        // not JSON
      }
    },
  };
}

const pad = (value, width, right = false) => {
  const text = String(value);
  return right ? text.padStart(width) : text.padEnd(width);
};

function printTable(rows) {
  const headers = [
    "scenario",
    "db",
    "sent",
    "accepted",
    "rejected (4xx)",
    "503",
    "5xx other",
    "accounts lost",
    "verdict",
  ];
  const cells = rows.map((r) => [
    r.scenario,
    r.db,
    r.sent.toLocaleString("en"),
    r.accepted.toLocaleString("en"),
    r.rejected.toLocaleString("en"),
    r.unavailable.toLocaleString("en"),
    r.serverErrors.toLocaleString("en"),
    r.lost === undefined ? "-" : String(r.lost),
    r.skipped ? "skip" : r.ok ? "pass" : "FAIL",
  ]);
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((c) => c[i].length)),
  );
  const line = (values) =>
    `| ${values.map((value, i) => pad(value, widths[i], i >= 2 && i <= 7)).join(" | ")} |`;
  console.log(line(headers));
  console.log(
    `|${widths.map((w, i) => `${i >= 2 && i <= 7 ? "-".repeat(w + 1) : `-${"-".repeat(w)}`}${i >= 2 && i <= 7 ? ":" : "-"}`).join("|")}|`,
  );
  for (const row of cells) console.log(line(row));
}

async function main() {
  const started = performance.now();
  if (buildIfStale()) console.log("built dist/ (it was missing or older than src/)");
  // Imported after the build: the scenarios use the built server's own uniqueness rule.
  const scenarios = await import("./lib/scenarios.mjs");
  const spec = loadSpec();
  const checker = createSpecChecker(spec);
  const pg = await postgresUrl();
  const redis = await redisUrl();
  const only = option("only");
  const dialects = (option("db") ? [option("db")] : ["sqlite", "postgres"]).filter(
    (dialect) => dialect === "sqlite" || pg,
  );
  console.log(
    [
      `reliability: ${availableParallelism()} cores, Node ${process.version}`,
      `databases: SQLite${pg ? `, PostgreSQL (${pg.replace(/\/\/[^@]*@/, "//")})` : " (PostgreSQL does not answer: skipped)"}`,
      `Redis: ${redis ?? "not answering (the shared rate-limit scenario is skipped)"}`,
      "Load scenarios run with RATE_LIMIT_PER_ADDRESS and RATE_LIMIT_PER_ACCOUNT at 1,000,000, so that the",
      "rate limiter stays out of their way; only the rate-limit scenarios run with low limits.",
      "",
    ].join("\n"),
  );

  const plan = [
    ["sameEmail", () => true],
    ["thousandSignUps", () => true],
    ["hashingQueue", () => true],
    ["sigkill", () => true],
    ["sigterm", () => true],
    ["postgresOutage", (dialect) => dialect === "postgres"],
    ["fuzzing", () => true],
    ["hostile", () => true],
    ["rateLimits", () => true],
  ].filter(([name]) => !only || name.toLowerCase().includes(only.toLowerCase()));

  const rows = [];
  for (const dialect of dialects) {
    const run = newRun(dialect, { postgresUrl: pg, redisUrl: redis, spec, checker });
    for (const [name, applies] of plan) {
      if (!applies(dialect)) continue;
      const at = performance.now();
      process.stdout.write(`${dialect}: ${name}... `);
      try {
        const produced = await scenarios[name](run);
        for (const row of Array.isArray(produced) ? produced : [produced]) rows.push(row);
        console.log(`${((performance.now() - at) / 1000).toFixed(1)} s`);
      } catch (error) {
        console.log("failed");
        rows.push({
          scenario: name,
          db: dialect,
          sent: 0,
          accepted: 0,
          rejected: 0,
          unavailable: 0,
          serverErrors: 0,
          lost: undefined,
          ok: false,
          notes: [
            `the scenario could not run: ${error instanceof Error ? error.stack : String(error)}`,
          ],
        });
      }
    }
    rows.push(scenarios.secretsScan(run));
  }

  console.log("");
  printTable(rows);
  console.log("");
  console.log(
    "503 = documented Service Unavailable (database out of reach, or hashing queue full), always with Retry-After.",
  );
  console.log(
    "accounts lost = accounts answered 200 that are not stored or cannot log in; '-' where no account is at stake.",
  );
  console.log("The secrets row counts log lines (sent) and lines holding a secret (rejected).");
  console.log("");
  for (const row of rows) {
    console.log(`${row.skipped ? "skip" : row.ok ? "pass" : "FAIL"}  ${row.scenario} [${row.db}]`);
    for (const note of row.notes) console.log(`      ${note}`);
  }
  const failed = rows.filter((row) => !row.ok && !row.skipped);
  console.log("");
  console.log(
    `${rows.length} rows, ${failed.length} failed, in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  process.exitCode = failed.length > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
