// SIGTERM to the built server in the middle of sustained sign-ups, on every test database:
// requests already in flight are finished and answered, new connections are refused, and the
// process exits 0. Every request carries its own x-vol-correlation id, so that what the server
// says it answered (its request log) can be matched with what the clients received.
import { describe, expect, it } from "vitest";
import { type Outcome, pool, send } from "../../reliability/lib/http.mjs";
import { DIALECTS } from "../support/databases.js";
import { type ExitStatus, startServer } from "../support/server-process.js";
import {
  appCredentials,
  appEnv,
  appTokenFrom,
  builtServerSuite,
  checkedSend,
  freshEmail,
  NO_RATE_LIMITS,
  richSignUp,
  SIGN_UP,
  storedEmails,
} from "./support.js";

const MAX_REQUESTS = 120;
const CONCURRENCY = 8;
const STOP_AFTER = 12;

describe.each(DIALECTS)("the built server stopped with SIGTERM under load on %s", (dialect) => {
  const suite = builtServerSuite(dialect);
  const { watch } = suite;
  const app = appCredentials(`sigterm-${dialect}`);

  it("finishes the requests in flight, refuses new ones, and exits 0", async () => {
    const db = suite.db;
    const server = await startServer({
      databaseUrl: db.url,
      env: { ...appEnv(app), ...NO_RATE_LIMITS, HASH_QUEUE_LIMIT: "200" },
      name: `${dialect}, stopped`,
    });
    suite.record(server);
    const token = await appTokenFrom(watch, server.origin, app);
    const emails = Array.from({ length: MAX_REQUESTS }, (_, i) => freshEmail(`sigterm${i}`));

    let answered200 = 0;
    let exit: Promise<ExitStatus> | undefined;
    let refusedAfterStop = 0;
    const outcomes = await pool(
      MAX_REQUESTS,
      CONCURRENCY,
      async (i): Promise<Outcome | undefined> => {
        // Each worker keeps sending until the server stops taking connections.
        if (refusedAfterStop > 0) return undefined;
        const email = emails[i] ?? "";
        const outcome = await checkedSend(watch, server.origin, {
          method: "POST",
          path: SIGN_UP,
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            "x-vol-correlation": `sigterm-${i}`,
          },
          body: richSignUp(email, `sigterm-password-${i}-${Date.now()}`),
        });
        if (outcome.status === 200) {
          answered200 += 1;
          if (answered200 === STOP_AFTER) exit = server.stop();
        }
        if (exit && outcome.error) refusedAfterStop += 1;
        return outcome;
      },
    );
    expect(exit, "SIGTERM was sent").toBeDefined();
    expect(await exit).toEqual({ code: 0, signal: null });

    const logs = server.logs();
    const messages = logs.map((entry) => entry.msg);
    const stopping = messages.indexOf("stopping");
    expect(stopping, "the server logged that it was stopping").toBeGreaterThan(0);
    expect(messages[messages.length - 1], JSON.stringify(logs.slice(-6))).toBe("stopped");
    expect(messages).not.toContain("forced stop after 10 s");

    // What the server answered (by its own log), the clients received, status for status.
    const served = new Map(
      logs
        .filter(
          (entry) => entry.msg === "request" && String(entry.correlationId).startsWith("sigterm-"),
        )
        .map((entry) => [String(entry.correlationId), Number(entry.status)]),
    );
    const received = new Map(
      outcomes.flatMap((outcome, i) =>
        outcome?.status ? [[`sigterm-${i}`, outcome.status] as const] : [],
      ),
    );
    expect(received).toEqual(served);
    expect(
      [...received.values()].filter((status) => status !== 200),
      "answers other than 200",
    ).toEqual([]);

    // In flight at SIGTERM, and still answered: request lines the server wrote after "stopping".
    const finishedAfterSignal = logs
      .slice(stopping)
      .filter((entry) => entry.msg === "request" && entry.status === 200);
    expect(finishedAfterSignal.length, "requests finished after SIGTERM").toBeGreaterThan(0);

    // Refused: connections after the signal got no answer, and did nothing.
    const unanswered = outcomes.flatMap((outcome, i) => (outcome?.error ? [i] : []));
    expect(unanswered.length, "requests refused after SIGTERM").toBeGreaterThan(0);
    expect((await send(server.origin, { path: "/healthz", timeoutMs: 2_000 })).error).toBeDefined();
    const stored = await storedEmails(db);
    for (const i of unanswered)
      expect(stored.has(emails[i] ?? ""), `refused request ${i} stored`).toBe(false);
    for (const [id] of received) {
      const i = Number(id.slice("sigterm-".length));
      expect(stored.has(emails[i] ?? ""), `answered request ${i} stored`).toBe(true);
    }
  }, 120_000);
});
