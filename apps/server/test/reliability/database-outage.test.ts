// PostgreSQL going away under the built server and coming back, without a restart. The server
// reaches PostgreSQL through a TCP proxy this test controls: cutting it (listener closed, every
// connection destroyed) is a real outage from the server's side, while the machine's PostgreSQL
// keeps serving the other suites. During the outage every request that needs the database is
// answered 503 in Kibo's shape with Retry-After, quickly; /readyz says 503, /healthz stays 200.
// Once the proxy listens again, the same process serves again on its own. Both when the cut
// finds the server idle, and when it finds sign-up transactions in flight.
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Outcome, pool } from "../../reliability/lib/http.mjs";
import { startTcpProxy, type TcpProxy } from "../../reliability/lib/tcp-proxy.mjs";
import { POSTGRES_URL } from "../support/databases.js";
import {
  ensureBuilt,
  type ServerProcess,
  startServer,
  stopAllServers,
} from "../support/server-process.js";
import {
  appCredentials,
  appEnv,
  appTokenFrom,
  checkedSend,
  freshEmail,
  LOG_IN,
  NO_RATE_LIMITS,
  OAUTH,
  parse,
  richSignUp,
  type ServerDatabase,
  SIGN_UP,
  serverDatabase,
  storedEmails,
  Watch,
} from "./support.js";

// Fast means well under the pool's 5 s connection timeout: refused, not waited for.
const FAST_MS = 3_000;

/** A server process on a fresh PostgreSQL database, reaching it only through a proxy. */
function serverBehindProxy(name: string) {
  const watch = new Watch();
  const app = appCredentials(name);
  const password = `outage-password-${Date.now()}`;
  const handles = {} as {
    db: ServerDatabase;
    proxy: TcpProxy;
    server: ServerProcess;
    token: string;
  };
  const send = (request: Parameters<typeof checkedSend>[2]) =>
    checkedSend(watch, handles.server.origin, { timeoutMs: 15_000, ...request });
  const signUp = (
    email: string,
    body = JSON.stringify({ account: { emailAddress: email }, password }),
  ) =>
    send({
      method: "POST",
      path: SIGN_UP,
      headers: { authorization: `Bearer ${handles.token}`, "content-type": "application/json" },
      body,
    });
  const logIn = (email: string) =>
    send({
      method: "POST",
      path: LOG_IN,
      headers: { authorization: `Bearer ${handles.token}`, "content-type": "application/json" },
      body: JSON.stringify({ username: email, password }),
    });
  const probe = (path: string) => send({ path });
  let dead = false;
  /** Polls /readyz until 200 (or 20 s, or the process is gone); answers the last probe. */
  const recovered = async () => {
    const deadline = Date.now() + 20_000;
    let ready = await probe("/readyz");
    while (ready.status !== 200 && Date.now() < deadline && !dead) {
      await sleep(250);
      ready = await probe("/readyz");
    }
    return ready;
  };

  beforeAll(async () => {
    await ensureBuilt();
    handles.db = await serverDatabase("postgres");
    const target = new URL(handles.db.url);
    handles.proxy = await startTcpProxy({
      targetHost: target.hostname,
      targetPort: Number(target.port || 5432),
    });
    const throughProxy = new URL(handles.db.url);
    throughProxy.hostname = "127.0.0.1";
    throughProxy.port = String(handles.proxy.port);
    handles.server = await startServer({
      databaseUrl: throughProxy.toString(),
      env: { ...appEnv(app), ...NO_RATE_LIMITS, HASH_QUEUE_LIMIT: "200" },
      name: `postgres behind a proxy (${name})`,
    });
    handles.token = await appTokenFrom(watch, handles.server.origin, app);
    void handles.server.exited.then(() => {
      dead = true;
    });
  }, 180_000);
  afterAll(async () => {
    await stopAllServers();
    await handles.proxy?.close();
    if (handles.server) watch.logs(handles.server.name, handles.server.lines);
    await handles.db?.drop();
    watch.assertClean();
  });
  return { handles, watch, app, password, signUp, logIn, probe, recovered, send };
}

describe.runIf(POSTGRES_URL)(
  "the built server when PostgreSQL goes away while it is idle, and comes back (TEST_DATABASE_URL)",
  () => {
    const { handles, app, signUp, logIn, probe, recovered, send } = serverBehindProxy("idle");
    const before = freshEmail("before-outage");

    it("serves normally through the proxy", async () => {
      expect((await signUp(before)).status).toBe(200);
      expect((await probe("/readyz")).status).toBe(200);
      expect(handles.proxy.accepted).toBeGreaterThan(0);
    });

    it("answers 503 with Retry-After in Kibo's shape, quickly, while PostgreSQL is gone", async () => {
      await handles.proxy.cut();
      // At once (the pool's connections just died) and again later (new ones are refused).
      const during: Outcome[] = [];
      for (const pause of [0, 300, 1_000]) {
        await sleep(pause);
        const burst = await pool(6, 6, (i) =>
          i % 2 === 0 ? signUp(freshEmail("during-outage")) : logIn(before),
        );
        during.push(...burst);
      }
      during.push(
        await send({
          method: "POST",
          path: OAUTH,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            client_id: app.clientId,
            client_secret: app.sharedSecret,
            grant_type: "client_credentials",
          }),
        }),
      );
      const statuses = during.map((outcome) => outcome.status ?? outcome.error);
      expect(
        statuses.every((status) => status === 503),
        `statuses: ${statuses.join(", ")}`,
      ).toBe(true);
      for (const outcome of during) {
        expect(Number(outcome.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(parse(outcome.text)).toMatchObject({
          errorCode: "SERVICE_UNAVAILABLE",
          applicationName: "Customer",
        });
        expect(outcome.ms, "answered quickly").toBeLessThan(FAST_MS);
      }

      const ready = await probe("/readyz");
      expect(ready.status).toBe(503);
      expect(parse(ready.text)).toEqual({ status: "unavailable" });
      expect(ready.ms).toBeLessThan(FAST_MS + 5_000);
      const health = await probe("/healthz");
      expect(health.status).toBe(200);
      expect(health.ms).toBeLessThan(500);
    }, 60_000);

    it("recovers by itself once PostgreSQL is back: same process, no restart", async () => {
      await handles.proxy.restore();
      expect((await recovered()).status).toBe(200);
      const after = freshEmail("after-outage");
      expect((await signUp(after)).status).toBe(200);
      expect((await logIn(before)).status).toBe(200);
      expect((await logIn(after)).status).toBe(200);
      // Not restarted: the one process has been listening all along.
      expect(handles.server.logs().filter((entry) => entry.msg === "listening")).toHaveLength(1);
      // The sign-ups answered 503 stored nothing.
      const stored = await storedEmails(handles.db);
      expect([...stored].filter((email) => email.startsWith("during-outage"))).toEqual([]);
      expect(stored.has(before) && stored.has(after)).toBe(true);
    }, 60_000);

    it("never answered a 5xx other than 503", () => {
      const failures = handles.server
        .logs()
        .filter((entry) => entry.msg === "request" && Number(entry.status) >= 500);
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.filter((entry) => entry.status !== 503)).toEqual([]);
    });
  },
);

describe.runIf(POSTGRES_URL)(
  "the built server when PostgreSQL goes away in the middle of sign-up transactions (TEST_DATABASE_URL)",
  () => {
    const { handles, signUp, probe, recovered } = serverBehindProxy("busy");
    const CONCURRENCY = 12;

    it("keeps running, answers 200 or 503 to every sign-up, and recovers without a restart", async () => {
      // Sign-ups with children: several statements per transaction, so that the cut finds
      // connections inside transactions, between two statements, and not only mid-query.
      let loading = true;
      const attempts: { email: string; outcome: Outcome }[] = [];
      const worker = async (w: number) => {
        for (let i = 0; loading && i < 500; i += 1) {
          const email = freshEmail(`busy${w}-${i}`);
          const outcome = await signUp(email, richSignUp(email, `busy-password-${w}-${i}`));
          attempts.push({ email, outcome });
          if (outcome.status === undefined) await sleep(50);
        }
      };
      const workers = Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
      await sleep(1_500);
      await handles.proxy.cut();
      await sleep(1_500);
      const health = await probe("/healthz");
      await handles.proxy.restore();
      const ready = await recovered();
      await sleep(1_000);
      loading = false;
      await workers;

      const exited = await Promise.race([handles.server.exited, sleep(0).then(() => undefined)]);
      const lastLines = handles.server.lines
        .filter((line) => !line.includes('"msg":"request"'))
        .slice(-20)
        .join("\n");
      expect(exited, `the server process died:\n${lastLines}`).toBeUndefined();
      expect(health.status, "/healthz during the outage").toBe(200);
      expect(ready.status, "/readyz after PostgreSQL returned").toBe(200);
      const statuses = new Set(attempts.map(({ outcome }) => outcome.status ?? outcome.error));
      expect([...statuses].sort()).toEqual([200, 503]);
      // Every sign-up answered 200 is stored.
      const stored = await storedEmails(handles.db);
      const lost = attempts.filter(
        ({ email, outcome }) => outcome.status === 200 && !stored.has(email),
      );
      expect(lost).toEqual([]);
      expect(handles.server.logs().filter((entry) => entry.msg === "listening")).toHaveLength(1);
    }, 90_000);
  },
);
