// SIGKILL of the built server in the middle of sustained sign-ups, on every test database,
// then a restart on the same database: every account that was answered 200 is still there
// and logs in, and the sign-ups the kill cut short left nothing half-written (no account
// without its credential or session, no row without its account).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type Outcome, pool } from "../../reliability/lib/http.mjs";
import { DIALECTS } from "../support/databases.js";
import { type ExitStatus, startServer } from "../support/server-process.js";
import {
  allZero,
  appCredentials,
  appEnv,
  appTokenFrom,
  builtServerSuite,
  checkedSend,
  freshEmail,
  integrityCounts,
  LOG_IN,
  NO_RATE_LIMITS,
  parse,
  richSignUp,
  SIGN_UP,
  storedEmails,
} from "./support.js";

const TOTAL = 50;
const CONCURRENCY = 8;
const KILL_AFTER = 20;

describe.each(DIALECTS)("the built server killed with SIGKILL during sign-ups on %s", (dialect) => {
  const suite = builtServerSuite(dialect);
  const { watch } = suite;
  const app = appCredentials(`crash-${dialect}`);

  it("keeps every account it answered 200 for, whole and able to log in, after a restart", async () => {
    const db = suite.db;
    const env = { ...appEnv(app), ...NO_RATE_LIMITS, HASH_QUEUE_LIMIT: "200" };
    const server = await startServer({ databaseUrl: db.url, env, name: `${dialect}, killed` });
    suite.record(server);
    const token = await appTokenFrom(watch, server.origin, app);
    const shoppers = Array.from({ length: TOTAL }, (_, i) => ({
      email: freshEmail(`crash${i}`),
      password: `crash-${i}-${randomUUID()}`,
    }));

    let accepted = 0;
    let killed: Promise<ExitStatus> | undefined;
    const outcomes = await pool(TOTAL, CONCURRENCY, async (i): Promise<Outcome | undefined> => {
      if (killed) return undefined; // the machine is gone: nothing more is sent
      const shopper = shoppers[i];
      if (!shopper) throw new Error("no shopper");
      const outcome = await checkedSend(watch, server.origin, {
        method: "POST",
        path: SIGN_UP,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: richSignUp(shopper.email, shopper.password),
      });
      if (outcome.status === 200) {
        accepted += 1;
        if (accepted === KILL_AFTER) killed = server.kill();
      }
      return outcome;
    });
    expect(killed, "the server was killed").toBeDefined();
    expect(await killed).toEqual({ code: null, signal: "SIGKILL" });

    const answered = outcomes.flatMap((outcome, i) =>
      outcome?.status ? [{ i, status: outcome.status }] : [],
    );
    const cut = outcomes.flatMap((outcome, i) => (outcome?.error ? [i] : []));
    expect(
      answered.filter(({ status }) => status !== 200),
      "answers other than 200",
    ).toEqual([]);
    expect(cut.length, "sign-ups were in flight when the server died").toBeGreaterThan(0);

    const again = await startServer({ databaseUrl: db.url, env, name: `${dialect}, restarted` });
    suite.record(again);
    const againToken = await appTokenFrom(watch, again.origin, app);
    const lost: string[] = [];
    for (const { i } of answered) {
      const shopper = shoppers[i];
      if (!shopper) continue;
      const logIn = await checkedSend(watch, again.origin, {
        method: "POST",
        path: LOG_IN,
        headers: { authorization: `Bearer ${againToken}`, "content-type": "application/json" },
        body: JSON.stringify({ username: shopper.email, password: shopper.password }),
      });
      if (
        logIn.status !== 200 ||
        parse(logIn.text).customerAccount.emailAddress !== shopper.email
      ) {
        lost.push(`${shopper.email}: ${logIn.status}`);
      }
    }
    expect(lost, "accounts answered 200 that cannot log in after the restart").toEqual([]);

    // What the database holds: the 200s, perhaps some of the cut ones, nothing else, all whole.
    const stored = await storedEmails(db);
    const sent = new Set(outcomes.flatMap((outcome, i) => (outcome ? [shoppers[i]?.email] : [])));
    expect(
      [...stored].filter((email) => !sent.has(email)),
      "accounts nobody sent",
    ).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(answered.length);
    const integrity = await integrityCounts(db);
    expect(integrity).toEqual(allZero(integrity));
    expect(await again.stop()).toEqual({ code: 0, signal: null });
  }, 120_000);
});
