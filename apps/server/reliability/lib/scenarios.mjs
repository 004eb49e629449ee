// The scenarios of `npm run reliability`, each against the built server in child processes on
// a database of its own. Each answers one or more rows: what it sent, what came back, how many
// accounts answered 200 were lost, whether the scenario's own claims held (`ok`), and notes
// with the figures behind the verdict.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { exportPKCS8, generateKeyPair } from "jose";
import { uniquenessKey } from "../../dist/accounts/accounts.service.js";
import {
  appToken,
  bearer,
  broken,
  freshDatabase,
  freshEmail,
  integrityCounts,
  json,
  LOG_IN,
  NO_RATE_LIMITS,
  recordHashes,
  richSignUp,
  SIGN_UP,
  serverFor,
  sleep,
  storedEmails,
  Tally,
} from "./harness.mjs";
import {
  bodyCatalogue,
  cutShortCatalogue,
  PASSWORD,
  rawCatalogue,
  tokenCatalogue,
} from "./hostile.mjs";
import { hangUpAfter, percentile, pool, rawExchange, send } from "./http.mjs";
import { errorBodyProblems } from "./leaks.mjs";
import { createRequestOracle, schemaArbitraries } from "./schema-arbitrary.mjs";
import { createSignUpOracle } from "./sign-up-oracle.mjs";
import { startTcpProxy } from "./tcp-proxy.mjs";

const appFor = (name) => ({
  clientId: `storefront.${name}`,
  sharedSecret: `${name}-shared-secret-${randomUUID()}`,
});
const appEnv = (app) => ({ APP_CLIENT_ID: app.clientId, APP_SHARED_SECRET: app.sharedSecret });

/** A row of the table. `lost` is undefined where no account is at stake. */
function row(scenario, run, tally, { lost, ok, notes = [] }) {
  const problems = tally.problems;
  return {
    scenario,
    db: run.dialect,
    sent: tally.sent,
    accepted: tally.accepted,
    rejected: tally.rejected,
    unavailable: tally.unavailable,
    serverErrors: tally.serverErrors,
    lost,
    ok: ok && problems.length === 0 && tally.serverErrors === 0,
    notes: [
      `statuses: ${tally.describeStatuses() || "none"}${tally.unanswered ? `, no answer x${tally.unanswered}` : ""}`,
      ...notes,
      ...problems.slice(0, 5),
      ...(problems.length > 5 ? [`... and ${problems.length - 5} more problems`] : []),
    ],
  };
}

/** Runs `body(db)` on a fresh database, always dropped afterwards. */
async function withDatabase(run, body) {
  const db = await freshDatabase(run.dialect, run.postgresUrl);
  try {
    return await body(db);
  } finally {
    await db.drop();
  }
}

/** 100 concurrent sign-ups for one address in varying case: one 200, 99 x 409, one account. */
export async function sameEmail(run, racers = 100) {
  return withDatabase(run, async (db) => {
    const app = appFor("same-email");
    const server = await serverFor(
      run,
      db,
      { ...appEnv(app), ...NO_RATE_LIMITS, HASH_QUEUE_LIMIT: String(racers) },
      "same email",
    );
    const setup = new Tally(run);
    const token = await appToken(setup, server.origin, app);
    const tally = new Tally(run);
    const email = freshEmail("same");
    const spell = (i) =>
      [...email]
        .map((char, k) =>
          /[a-z]/i.test(char) && ((i * 7919) >> (k % 16)) & 1 ? char.toUpperCase() : char,
        )
        .join("");
    const outcomes = await pool(racers, racers, (i) =>
      tally.send(server.origin, {
        method: "POST",
        path: SIGN_UP,
        headers: bearer(token),
        body: JSON.stringify({
          account: { emailAddress: spell(i) },
          password: `same-${i}-${randomUUID()}`,
        }),
      }),
    );
    const stored = await db.query(
      `select count(*) as n from accounts where email_key = '${email.toLowerCase()}'`,
    );
    const accounts = Number(stored[0]?.n);
    const won = outcomes.filter((o) => o.status === 200).length;
    await recordHashes(run, db);
    await server.stop();
    tally.problems.push(...setup.problems);
    return row(`${racers} concurrent sign-ups, one email, varying case`, run, tally, {
      lost: Math.max(0, won - accounts),
      ok: won === 1 && tally.statuses.get(409) === racers - 1 && accounts === 1,
      notes: [`accounts stored for the address: ${accounts}`],
    });
  });
}

/** 1,000 distinct sign-ups at concurrency 32, then a log-in of each. */
export async function thousandSignUps(run, count = 1000, concurrency = 32) {
  return withDatabase(run, async (db) => {
    const app = appFor("thousand");
    const server = await serverFor(
      run,
      db,
      { ...appEnv(app), ...NO_RATE_LIMITS },
      "1,000 sign-ups",
    );
    const setup = new Tally(run);
    const token = await appToken(setup, server.origin, app);
    const tally = new Tally(run);
    const shoppers = Array.from({ length: count }, (_, i) => ({
      email: freshEmail(`k${i}`),
      password: `thousand-${i}-${randomUUID()}`,
    }));
    const started = performance.now();
    const signUps = await pool(count, concurrency, (i) =>
      tally.send(server.origin, {
        method: "POST",
        path: SIGN_UP,
        headers: bearer(token),
        body: richSignUp(shoppers[i].email, shoppers[i].password),
      }),
    );
    const signUpSeconds = (performance.now() - started) / 1000;
    const created = signUps.flatMap((outcome, i) => (outcome.status === 200 ? [shoppers[i]] : []));
    const logIns = await pool(created.length, concurrency, (i) =>
      tally.send(server.origin, {
        method: "POST",
        path: LOG_IN,
        headers: bearer(token),
        body: JSON.stringify({ username: created[i].email, password: created[i].password }),
      }),
    );
    const loggedIn = logIns.filter((o) => o.status === 200).length;
    const stored = await storedEmails(db);
    const integrity = broken(await integrityCounts(db));
    await recordHashes(run, db);
    await server.stop();
    tally.problems.push(...setup.problems, ...integrity);
    return row(
      `${count.toLocaleString("en")} sign-ups at concurrency ${concurrency}, then a log-in each`,
      run,
      tally,
      {
        lost: created.length - loggedIn,
        ok: created.length === count && loggedIn === count && stored.size === count,
        notes: [
          `sign-ups: ${created.length}/${count} answered 200 in ${signUpSeconds.toFixed(1)} s (${(count / signUpSeconds).toFixed(0)}/s); log-ins: ${loggedIn}/${created.length}; accounts stored: ${stored.size}`,
        ],
      },
    );
  });
}

/** More sign-ups than the machine can hash: fast 503s for the excess, /healthz stays fast. */
export async function hashingQueue(
  run,
  { pressureMs = 4_000, concurrency = 32, hashConcurrency = 2, queueLimit = 8 } = {},
) {
  return withDatabase(run, async (db) => {
    const app = appFor("queue");
    const hashing = {
      HASH_CONCURRENCY: String(hashConcurrency),
      HASH_QUEUE_LIMIT: String(queueLimit),
    };
    const server = await serverFor(
      run,
      db,
      { ...appEnv(app), ...NO_RATE_LIMITS, ...hashing },
      "bounded hashing queue",
    );
    const setup = new Tally(run);
    const token = await appToken(setup, server.origin, app);
    const tally = new Tally(run);
    const until = performance.now() + pressureMs;
    const probing = probeFromAnotherProcess(`${server.origin}/healthz`, pressureMs, 20);
    const outcomes = (
      await pool(5_000, concurrency, async (i) => {
        if (performance.now() > until) return undefined;
        const email = freshEmail(`q${i}`);
        const outcome = await tally.send(server.origin, {
          method: "POST",
          path: SIGN_UP,
          headers: bearer(token),
          body: JSON.stringify({
            account: { emailAddress: email },
            password: `queue-${i}-${randomUUID()}`,
          }),
        });
        return { ...outcome, email };
      })
    ).filter(Boolean);
    // A failed probe counts as infinitely slow.
    const probes = (await probing).map((ms) => (ms < 0 ? Number.POSITIVE_INFINITY : ms));
    const refused = outcomes.filter((o) => o.status === 503);
    const accepted = outcomes.filter((o) => o.status === 200);
    const stored = await storedEmails(db);
    const lost = accepted.filter((o) => !stored.has(o.email)).length;
    const storedRefused = refused.filter((o) => stored.has(o.email)).length;
    const withoutRetryAfter = refused.filter(
      (o) => !(Number(o.headers?.get("retry-after")) >= 1),
    ).length;
    const figures = {
      refusalP99: percentile(
        refused.map((o) => o.ms),
        99,
      ),
      acceptedP99: percentile(
        accepted.map((o) => o.ms),
        99,
      ),
      acceptedMax: Math.max(...accepted.map((o) => o.ms)),
      healthzP50: percentile(probes, 50),
      healthzP99: percentile(probes, 99),
    };
    await server.stop();
    tally.problems.push(...setup.problems);
    const ms = (value) => `${Math.round(value)} ms`;
    return row(
      `sign-ups beyond the hashing queue (HASH_CONCURRENCY ${hashConcurrency}, HASH_QUEUE_LIMIT ${queueLimit})`,
      run,
      tally,
      {
        lost,
        ok:
          refused.length > 0 &&
          accepted.length > 0 &&
          withoutRetryAfter === 0 &&
          storedRefused === 0 &&
          figures.healthzP99 < 500 &&
          figures.refusalP99 < 1_000,
        notes: [
          `${concurrency} clients for ${pressureMs / 1000} s; 503 p99 ${ms(figures.refusalP99)}, 200 p99 ${ms(figures.acceptedP99)} (max ${ms(figures.acceptedMax)}); /healthz p50 ${ms(figures.healthzP50)}, p99 ${ms(figures.healthzP99)} over ${probes.length} probes from another process (bound 500 ms)`,
          `503s without Retry-After: ${withoutRetryAfter}; 503s that stored an account anyway: ${storedRefused}`,
        ],
      },
    );
  });
}

/** Latencies of /healthz as a separate process sees them (lib/probe.mjs). */
function probeFromAnotherProcess(url, durationMs, intervalMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL("./probe.mjs", import.meta.url)),
        url,
        String(durationMs),
        String(intervalMs),
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("exit", () => {
      try {
        resolve(JSON.parse(output));
      } catch {
        reject(new Error(`the prober printed no figures: ${output}`));
      }
    });
  });
}

/** SIGKILL during sustained sign-ups, restart: every 200 is there, whole, and logs in. */
export async function sigkill(run, { total = 400, concurrency = 16, killAfter = 150 } = {}) {
  return withDatabase(run, async (db) => {
    const app = appFor("sigkill");
    const env = { ...appEnv(app), ...NO_RATE_LIMITS, HASH_QUEUE_LIMIT: "200" };
    const server = await serverFor(run, db, env, "killed");
    const setup = new Tally(run);
    const token = await appToken(setup, server.origin, app);
    const tally = new Tally(run);
    const shoppers = Array.from({ length: total }, (_, i) => ({
      email: freshEmail(`kill${i}`),
      password: `kill-${i}-${randomUUID()}`,
    }));
    let accepted = 0;
    let killed;
    const outcomes = await pool(total, concurrency, async (i) => {
      if (killed) return undefined;
      const outcome = await tally.send(server.origin, {
        method: "POST",
        path: SIGN_UP,
        headers: bearer(token),
        body: richSignUp(shoppers[i].email, shoppers[i].password),
      });
      if (outcome.status === 200 && ++accepted === killAfter) killed = server.kill();
      return outcome;
    });
    // Fewer answers than planned (a failure of its own): the server still has to go.
    const exit = await (killed ?? server.kill());
    const cut = outcomes.filter((o) => o && o.status === undefined).length;
    const again = await serverFor(run, db, env, "restarted after SIGKILL");
    const againToken = await appToken(setup, again.origin, app);
    const answered = outcomes.flatMap((o, i) => (o?.status === 200 ? [shoppers[i]] : []));
    const logIns = await pool(answered.length, concurrency, (i) =>
      tally.send(again.origin, {
        method: "POST",
        path: LOG_IN,
        headers: bearer(againToken),
        body: JSON.stringify({ username: answered[i].email, password: answered[i].password }),
      }),
    );
    const lost = logIns.filter((o) => o.status !== 200).length;
    const integrity = broken(await integrityCounts(db));
    const stored = await storedEmails(db);
    await recordHashes(run, db);
    await again.stop();
    tally.problems.push(...setup.problems, ...integrity);
    return row("SIGKILL during sustained sign-ups, then restart", run, tally, {
      lost,
      ok:
        exit?.signal === "SIGKILL" &&
        cut > 0 &&
        integrity.length === 0 &&
        answered.length >= killAfter,
      notes: [
        `killed after ${killAfter} answered 200 with ${cut} sign-ups in flight; stored after restart: ${stored.size} (${answered.length} answered 200, ${stored.size - answered.length} of the cut ones completed); integrity: ${integrity.length === 0 ? "no account without credential or session, no orphan row" : integrity.join("; ")}`,
      ],
    });
  });
}

/** SIGTERM during load: in-flight requests finish, new ones are refused, exit 0. */
export async function sigterm(run, { max = 300, concurrency = 16, stopAfter = 40 } = {}) {
  return withDatabase(run, async (db) => {
    const app = appFor("sigterm");
    const server = await serverFor(
      run,
      db,
      { ...appEnv(app), ...NO_RATE_LIMITS, HASH_QUEUE_LIMIT: "200" },
      "stopped with SIGTERM",
    );
    const setup = new Tally(run);
    const token = await appToken(setup, server.origin, app);
    const tally = new Tally(run);
    const emails = Array.from({ length: max }, (_, i) => freshEmail(`term${i}`));
    let accepted = 0;
    let exit;
    let refused = 0;
    const outcomes = await pool(max, concurrency, async (i) => {
      if (refused > 0) return undefined;
      const outcome = await tally.send(server.origin, {
        method: "POST",
        path: SIGN_UP,
        headers: { ...bearer(token), "x-vol-correlation": `term-${i}` },
        body: richSignUp(emails[i], `term-${i}-${randomUUID()}`),
      });
      if (outcome.status === 200 && ++accepted === stopAfter) exit = server.stop();
      if (exit && outcome.status === undefined) refused += 1;
      return outcome;
    });
    const status = await (exit ?? server.stop());
    const logs = server.logs();
    const stopping = logs.findIndex((entry) => entry.msg === "stopping");
    const served = new Map(
      logs
        .filter((e) => e.msg === "request" && String(e.correlationId).startsWith("term-"))
        .map((e) => [e.correlationId, e.status]),
    );
    const received = new Map(
      outcomes.flatMap((o, i) => (o?.status ? [[`term-${i}`, o.status]] : [])),
    );
    const mismatched = [...new Set([...served.keys(), ...received.keys()])].filter(
      (id) => served.get(id) !== received.get(id),
    );
    const finishedAfter = logs
      .slice(stopping)
      .filter((e) => e.msg === "request" && e.status === 200).length;
    const stored = await storedEmails(db);
    const answered = outcomes.flatMap((o, i) => (o?.status === 200 ? [emails[i]] : []));
    const unanswered = outcomes.flatMap((o, i) => (o && o.status === undefined ? [emails[i]] : []));
    const lost = answered.filter((email) => !stored.has(email)).length;
    const ghost = unanswered.filter((email) => stored.has(email)).length;
    await recordHashes(run, db);
    tally.problems.push(...setup.problems);
    return row("SIGTERM during load", run, tally, {
      lost,
      ok:
        status?.code === 0 &&
        stopping > 0 &&
        finishedAfter > 0 &&
        unanswered.length > 0 &&
        mismatched.length === 0 &&
        ghost === 0,
      notes: [
        `exit ${JSON.stringify(status)}; ${finishedAfter} requests in flight at SIGTERM finished with 200; ${unanswered.length} new connections refused; answers the server logged but the client missed (or the reverse): ${mismatched.length}; refused requests that stored an account: ${ghost}`,
      ],
    });
  });
}

/** PostgreSQL gone mid-run (a TCP proxy cut) and back: 503s, /readyz fails, recovery alone. */
export async function postgresOutage(
  run,
  { concurrency = 8, beforeMs = 2_000, outageMs = 3_000, afterMs = 2_000 } = {},
) {
  return withDatabase(run, async (db) => {
    const target = new URL(db.url);
    const proxy = await startTcpProxy({
      targetHost: target.hostname,
      targetPort: Number(target.port || 5432),
    });
    try {
      const through = new URL(db.url);
      through.hostname = "127.0.0.1";
      through.port = String(proxy.port);
      const app = appFor("outage");
      const server = await serverFor(
        run,
        { url: through.toString() },
        { ...appEnv(app), ...NO_RATE_LIMITS },
        "PostgreSQL behind a proxy",
      );
      const setup = new Tally(run);
      const token = await appToken(setup, server.origin, app);
      const tally = new Tally(run);
      let phase = "before";
      let loading = true;
      const attempts = [];
      const worker = async (w) => {
        for (let i = 0; loading && i < 10_000; i += 1) {
          const email = freshEmail(`outage${w}-${i}`);
          const sentIn = phase;
          const outcome = await tally.send(server.origin, {
            method: "POST",
            path: SIGN_UP,
            headers: bearer(token),
            body: JSON.stringify({ account: { emailAddress: email }, password: PASSWORD }),
            timeoutMs: 15_000,
          });
          attempts.push({ email, phase: sentIn, outcome });
          // No answer at all means no server to talk to: do not spin.
          if (outcome.status === undefined) await sleep(50);
        }
      };
      const workers = Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
      await sleep(beforeMs);
      await proxy.cut();
      phase = "during";
      await sleep(500);
      const readyDuring = await tally.send(server.origin, { path: "/readyz", timeoutMs: 15_000 });
      const healthDuring = await tally.send(server.origin, { path: "/healthz", timeoutMs: 15_000 });
      await sleep(Math.max(0, outageMs - 500));
      await proxy.restore();
      phase = "after";
      const restoredAt = performance.now();
      let recoveredMs;
      while (performance.now() - restoredAt < 20_000) {
        const ready = await send(server.origin, { path: "/readyz", timeoutMs: 15_000 });
        if (ready.status === 200) {
          recoveredMs = performance.now() - restoredAt;
          break;
        }
        await sleep(100);
      }
      await sleep(afterMs);
      loading = false;
      await workers;
      const stored = await storedEmails(db);
      const ok200 = attempts.filter((a) => a.outcome.status === 200);
      const lost = ok200.filter((a) => !stored.has(a.email)).length;
      const during = attempts.filter((a) => a.phase === "during");
      const duringStatuses = new Set(during.map((a) => a.outcome.status ?? a.outcome.error));
      const refusedStored = attempts.filter(
        (a) => a.outcome.status === 503 && stored.has(a.email),
      ).length;
      const slowest503 = Math.max(
        0,
        ...attempts.filter((a) => a.outcome.status === 503).map((a) => a.outcome.ms),
      );
      const acceptedAfter = attempts.filter(
        (a) => a.phase === "after" && a.outcome.status === 200,
      ).length;
      const restarts = server.logs().filter((e) => e.msg === "listening").length - 1;
      const exited = await Promise.race([server.exited, sleep(0).then(() => undefined)]);
      if (exited)
        run.diagnostics?.(
          `the server exited during the outage: ${JSON.stringify(exited)}\n${server.lines
            .filter((line) => !line.includes('"msg":"request"'))
            .slice(-30)
            .join("\n")}`,
        );
      await server.stop();
      tally.problems.push(...setup.problems);
      return row("PostgreSQL stopped mid-run (TCP proxy cut), then back", run, tally, {
        lost,
        ok:
          tally.unavailable > 0 &&
          readyDuring.status === 503 &&
          healthDuring.status === 200 &&
          recoveredMs !== undefined &&
          acceptedAfter > 0 &&
          restarts === 0 &&
          tally.unanswered === 0 &&
          slowest503 < 6_000,
        notes: [
          `during the ${outageMs / 1000} s outage: ${[...duringStatuses].join("/")} to sign-ups, /readyz ${readyDuring.status}, /healthz ${healthDuring.status}; slowest 503 ${Math.round(slowest503)} ms`,
          `recovered ${recoveredMs === undefined ? "NOT within 20 s" : `${Math.round(recoveredMs)} ms after PostgreSQL returned`}, same process (restarts: ${restarts}); ${acceptedAfter} sign-ups answered 200 after it`,
          `503s whose account was stored anyway (commit acknowledged by PostgreSQL, answer lost with the connection): ${refusedStored}`,
        ],
      });
    } finally {
      await proxy.close();
    }
  });
}

const REF = "#/components/schemas/CustomerAccountAndAuthInfo";

/** The names an error body's additionalErrorData gives. */
const errorNames = (text) => {
  try {
    return (JSON.parse(text).additionalErrorData ?? []).map((item) => item.name);
  } catch {
    return [];
  }
};

/** 1,000 spec-valid and 1,000 spec-invalid bodies generated from openapi.yaml, over HTTP. */
export async function fuzzing(run, { valid = 1000, invalid = 1000, concurrency = 8 } = {}) {
  return withDatabase(run, async (db) => {
    const caps = { access: 1_400, refresh: 120_000 };
    const app = { ...appFor("fuzz"), behaviors: "customer-auth:configure-token-durations" };
    const server = await serverFor(
      run,
      db,
      {
        ...appEnv(app),
        APP_BEHAVIORS: app.behaviors,
        ...NO_RATE_LIMITS,
        HASH_QUEUE_LIMIT: "1000",
        TENANT_MAX_ACCESS_TTL_MINUTES: String(caps.access),
        TENANT_MAX_REFRESH_TTL_MINUTES: String(caps.refresh),
      },
      "fuzzing",
    );
    const setup = new Tally(run);
    const token = await appToken(setup, server.origin, app);
    const oracle = createRequestOracle(run.spec);
    const arbitraries = schemaArbitraries(run.spec, REF);
    const signUpRules = createSignUpOracle({ uniquenessKey, caps, bodyLimit: 64 * 1024 });

    const validTally = new Tally(run);
    const wrong = [];
    // Half as the schema allows them, half as a storefront sends them (a password, no imported hash).
    const storefront = schemaArbitraries(run.spec, REF, {
      always: ["password"],
      never: ["externalPassword"],
    });
    const bodies = fc.sample(fc.oneof(arbitraries.valid(), storefront.valid()), valid);
    for (const body of bodies)
      if (!oracle.validate(REF, body).ok) wrong.push("the generator made an invalid body");
    let lost = 0;
    for (let start = 0; start < bodies.length; start += concurrency) {
      const batch = bodies.slice(start, start + concurrency);
      const expected = batch.map(signUpRules.predict);
      const keys = batch.map(signUpRules.keysOf);
      const racing = keys.map((key, i) =>
        keys.some((o, j) => j !== i && (o.email === key.email || o.userName === key.userName)),
      );
      const outcomes = await Promise.all(
        batch.map((body) =>
          validTally.send(server.origin, {
            method: "POST",
            path: SIGN_UP,
            headers: bearer(token),
            body: JSON.stringify(body),
          }),
        ),
      );
      outcomes.forEach((outcome, i) => {
        const want = expected[i];
        const fine =
          outcome.status === want.status ||
          (racing[i] && want.status === 200 && outcome.status === 409);
        const named =
          !(outcome.status === 400 || outcome.status === 409) ||
          errorNames(outcome.text).some((name) =>
            (want.fields ?? ["account.emailAddress", "account.userName"]).includes(name),
          );
        if (!fine || !named) {
          wrong.push(
            `valid body answered ${outcome.status ?? outcome.error}, expected ${want.status}: ${JSON.stringify(batch[i]).slice(0, 200)} -> ${(outcome.text ?? "").slice(0, 160)}`,
          );
        }
        if (outcome.status === 200) signUpRules.taken(batch[i]);
      });
    }
    const stored = await db.query("select count(*) as n from accounts");
    lost = validTally.accepted - Number(stored[0]?.n);

    const invalidTally = new Tally(run);
    const mutants = fc.sample(arbitraries.invalid(), invalid);
    const wrongInvalid = [];
    await pool(mutants.length, concurrency * 2, async (i) => {
      const { body, mutation, path } = mutants[i];
      if (oracle.validate(REF, body).ok)
        wrongInvalid.push(`the generator left the body valid: ${mutation}`);
      const outcome = await invalidTally.send(server.origin, {
        method: "POST",
        path: SIGN_UP,
        headers: bearer(token),
        body: JSON.stringify(body),
      });
      const tooLarge = Buffer.byteLength(JSON.stringify(body)) > 64 * 1024;
      const fine = tooLarge
        ? outcome.status === 413
        : outcome.status === 400 && errorNames(outcome.text).includes(path);
      if (!fine)
        wrongInvalid.push(
          `${mutation} at ${path}: ${outcome.status ?? outcome.error} ${(outcome.text ?? "").slice(0, 160)}`,
        );
    });
    const storedAfter = Number((await db.query("select count(*) as n from accounts"))[0]?.n);
    if (storedAfter !== Number(stored[0]?.n))
      wrongInvalid.push(`invalid bodies stored ${storedAfter - Number(stored[0]?.n)} accounts`);
    await recordHashes(run, db);
    await server.stop();
    validTally.problems.push(...setup.problems);
    return [
      row(
        `${valid.toLocaleString("en")} spec-valid bodies (fast-check from openapi.yaml)`,
        run,
        validTally,
        {
          lost,
          ok: wrong.length === 0 && validTally.sent === valid,
          notes: [`answers outside the documented rules: ${wrong.length}`, ...wrong.slice(0, 3)],
        },
      ),
      row(
        `${invalid.toLocaleString("en")} spec-invalid bodies (one mutation each)`,
        run,
        invalidTally,
        {
          lost: undefined,
          ok:
            wrongInvalid.length === 0 &&
            invalidTally.sent === invalid &&
            invalidTally.accepted === 0,
          notes: [
            `answers other than 400 naming the broken field: ${wrongInvalid.length}`,
            ...wrongInvalid.slice(0, 3),
          ],
        },
      ),
    ];
  });
}

/** The named hostile catalogue: bodies, tokens and raw bytes against the built server. */
export async function hostile(run) {
  return withDatabase(run, async (db) => {
    const app = appFor("hostile");
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const env = {
      ...appEnv(app),
      ...NO_RATE_LIMITS,
      SIGNING_PRIVATE_KEY: await exportPKCS8(privateKey),
    };
    const server = await serverFor(run, db, env, "hostile input");
    // The entries that need a body limit above a megabyte get a second process on the same file.
    const large = await serverFor(
      run,
      db,
      { ...env, BODY_LIMIT_BYTES: String(2 * 1024 * 1024) },
      "hostile input, 2 MiB body limit",
    );
    const setup = new Tally(run);
    const token = await appToken(setup, server.origin, app);
    const largeToken = await appToken(setup, large.origin, app);
    const stored = async (email) =>
      (await db.query(`select id from accounts where email_address = '${email}'`)).length > 0;
    const wrong = { bodies: [], tokens: [], raw: [] };

    const bodies = new Tally(run);
    for (const entry of bodyCatalogue({
      freshEmail: () => freshEmail("hostile"),
      bodyLimitBytes: 64 * 1024,
    })) {
      const target = entry.needsBodyLimit ? large : server;
      const headers = { authorization: `Bearer ${entry.needsBodyLimit ? largeToken : token}` };
      if (entry.contentType !== null) headers["content-type"] = entry.contentType;
      const outcome = await bodies.send(target.origin, {
        method: "POST",
        path: SIGN_UP,
        headers,
        body: entry.body,
        timeoutMs: 5_000,
      });
      const problems = [];
      if (!entry.expect.includes(outcome.status))
        problems.push(
          `answered ${outcome.status ?? outcome.error}, allowed ${entry.expect.join("/")}`,
        );
      if (entry.field && outcome.status === 400 && !errorNames(outcome.text).includes(entry.field))
        problems.push(`400 without naming ${entry.field}`);
      if (entry.email && (await stored(entry.email)) !== (outcome.status === 200))
        problems.push("stored state does not match the answer");
      if (problems.length > 0) wrong.bodies.push(`${entry.name}: ${problems.join("; ")}`);
    }

    const tokens = new Tally(run);
    const shopperOutcome = await setup.send(server.origin, {
      method: "POST",
      path: SIGN_UP,
      headers: bearer(token),
      body: JSON.stringify({
        account: { emailAddress: freshEmail("token-owner") },
        password: PASSWORD,
      }),
    });
    const shopper = JSON.parse(shopperOutcome.text);
    const jwks = JSON.parse(
      (await setup.send(server.origin, { path: "/.well-known/jwks.json" })).text,
    );
    const kid = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString()).kid;
    const publicJwk = jwks.keys.find((key) => key.kid === kid);
    for (const entry of await tokenCatalogue({
      validToken: token,
      privateKey,
      kid,
      publicJwk,
      shopper,
    })) {
      const headers = {
        ...json,
        ...(entry.authorization ? { authorization: entry.authorization } : {}),
      };
      const outcome = await tokens.send(server.origin, {
        method: "POST",
        path: SIGN_UP,
        headers,
        body: JSON.stringify({
          account: { emailAddress: freshEmail("token") },
          password: PASSWORD,
        }),
        timeoutMs: 5_000,
      });
      if (!entry.expect.includes(outcome.status))
        wrong.tokens.push(`${entry.name}: answered ${outcome.status ?? outcome.error}`);
    }

    // Another tenant's application, served by a process of that tenant on the same database
    // (same signing key): its genuine token must not reach tenant 1000's data.
    const otherApp = appFor("other-tenant");
    const other = await serverFor(
      run,
      db,
      { ...env, ...appEnv(otherApp), TENANT_ID: "7000", SITE_ID: "7001" },
      "another tenant",
    );
    const otherToken = await appToken(setup, other.origin, otherApp);
    for (const [label, request, allowed] of [
      [
        "another tenant's token, claiming tenant 1000 in x-vol-tenant",
        {
          method: "POST",
          path: SIGN_UP,
          headers: { ...bearer(otherToken), "x-vol-tenant": "1000" },
          body: JSON.stringify({
            account: { emailAddress: freshEmail("cross") },
            password: PASSWORD,
          }),
        },
        [401],
      ],
      [
        "another tenant's token reading tenant 1000",
        { path: "/api/platform/tenants/1000", headers: bearer(otherToken) },
        [403],
      ],
      [
        "another tenant's token reading a shopper of tenant 1000",
        {
          path: `/api/commerce/customer/accounts/${shopper.customerAccount.id}`,
          headers: bearer(otherToken),
        },
        [404],
      ],
      [
        "a tenant-1000 shopper's token claiming tenant 7000",
        {
          path: `/api/commerce/customer/accounts/${shopper.customerAccount.id}`,
          headers: { ...bearer(shopper.jwtAccessToken), "x-vol-tenant": "7000" },
        },
        [401],
      ],
    ]) {
      const outcome = await tokens.send(server.origin, { ...request, timeoutMs: 5_000 });
      if (!allowed.includes(outcome.status))
        wrong.tokens.push(`${label}: answered ${outcome.status ?? outcome.error}`);
    }
    await other.stop();

    const raw = new Tally(run);
    for (const entry of rawCatalogue({
      authorization: `Bearer ${token}`,
      freshEmail: () => freshEmail("raw"),
      bodyLimitBytes: 64 * 1024, // the server's default
    })) {
      const answer = await rawExchange(server.port, entry.bytes, { timeoutMs: 5_000 });
      raw.count("POST", `${server.origin}${SIGN_UP}`, {
        status: answer.status,
        headers: answer.headers,
        text: answer.body,
      });
      if (answer.timedOut || !entry.expect.includes(answer.status)) {
        wrong.raw.push(
          `${entry.name}: answered ${answer.timedOut ? "nothing (hang)" : answer.status}`,
        );
      }
      if (entry.email && (await stored(entry.email)) !== (answer.status === 200))
        wrong.raw.push(`${entry.name}: stored state does not match`);
    }
    // Nobody receives the answer to a body cut short: the server's log line says what it made
    // of it, which must be the client's 400, not an outage (and no account).
    for (const entry of cutShortCatalogue({
      authorization: `Bearer ${token}`,
      freshEmail: () => freshEmail("cut"),
      correlationId: `cut-short-${randomUUID()}`,
    })) {
      await hangUpAfter(server.port, entry.bytes);
      raw.count("POST", `${server.origin}${SIGN_UP}`, {});
      await server
        .waitForLine((line) => line.includes(`"correlationId":"${entry.correlationId}"`), 5_000)
        .catch(() => undefined); // no line at all is reported below
      const logged = server.logs().filter((line) => line.correlationId === entry.correlationId);
      if (logged.length !== 1 || logged[0].msg !== "request" || logged[0].status !== 400)
        wrong.raw.push(`${entry.name}: logged ${JSON.stringify(logged)}`);
      if (await stored(entry.email)) wrong.raw.push(`${entry.name}: stored`);
    }
    const alive = await send(server.origin, { path: "/healthz" });
    await recordHashes(run, db);
    await server.stop();
    await large.stop();
    bodies.problems.push(...setup.problems);
    const verdict = (label, tally, list, extra = true) =>
      row(label, run, tally, {
        lost: undefined,
        ok: list.length === 0 && extra,
        notes: list.length === 0 ? ["every entry answered as allowed"] : list,
      });
    return [
      verdict(
        "hostile bodies (limit, nesting, UTF-8, NUL, __proto__, numbers, duplicates, media types)",
        bodies,
        wrong.bodies,
      ),
      verdict(
        "hostile tokens (alg none, HS256 with the public key, expired, nbf, iss, aud, tenant, truncated...)",
        tokens,
        wrong.tokens,
      ),
      verdict(
        "hostile bytes over a socket (64 KiB header, not UTF-8, size limit stated or chunked, not HTTP, body cut short)",
        raw,
        wrong.raw,
        alive.status === 200,
      ),
    ];
  });
}

/** Rate limits: in memory in one process; shared through Redis by two processes. */
export async function rateLimits(run) {
  const limits = {
    RATE_LIMIT_PER_ACCOUNT: "3",
    RATE_LIMIT_PER_ADDRESS: "4",
    RATE_LIMIT_WINDOW_SECONDS: "60",
    TRUST_PROXY: "true",
  };
  const address = () => `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}::1`;
  const attempt = (tally, server, token, path, body, from) =>
    tally.send(server.origin, {
      method: "POST",
      path,
      headers: { ...bearer(token), "x-forwarded-for": from },
      body: JSON.stringify(body),
    });
  const check = async (tally, servers, tokens) => {
    const failures = [];
    const at = (i) => [servers[i % servers.length], tokens[i % tokens.length]];
    const username = freshEmail("limited");
    const accountStatuses = [];
    for (let i = 0; i < 5; i += 1) {
      const [server, token] = at(i);
      const outcome = await attempt(
        tally,
        server,
        token,
        LOG_IN,
        { username, password: "wrong-password" },
        address(),
      );
      accountStatuses.push(outcome.status);
      if (outcome.status === 429 && !(Number(outcome.headers.get("retry-after")) >= 1))
        failures.push("429 without Retry-After");
    }
    if (accountStatuses.join() !== "401,401,401,429,429")
      failures.push(`per account: ${accountStatuses.join()}`);
    const from = address();
    const addressStatuses = [];
    for (let i = 0; i < 5; i += 1) {
      const [server, token] = at(i);
      addressStatuses.push(
        (
          await attempt(
            tally,
            server,
            token,
            LOG_IN,
            { username: freshEmail("any"), password: "wrong-password" },
            from,
          )
        ).status,
      );
    }
    if (addressStatuses.join() !== "401,401,401,401,429")
      failures.push(`per address: ${addressStatuses.join()}`);
    const email = freshEmail("limited-sign-up");
    const signUpStatuses = [];
    for (let i = 0; i < 4; i += 1) {
      const [server, token] = at(i);
      signUpStatuses.push(
        (
          await attempt(
            tally,
            server,
            token,
            SIGN_UP,
            { account: { emailAddress: email }, password: PASSWORD },
            address(),
          )
        ).status,
      );
    }
    if (signUpStatuses.join() !== "200,409,409,429")
      failures.push(`sign-ups for one address: ${signUpStatuses.join()}`);
    return failures;
  };
  const rows = [];
  await withDatabase(run, async (db) => {
    const app = appFor("limits");
    const server = await serverFor(run, db, { ...appEnv(app), ...limits }, "rate limits in memory");
    const tally = new Tally(run);
    const token = await appToken(new Tally(run), server.origin, app);
    const failures = await check(tally, [server], [token]);
    await server.stop();
    rows.push(
      row("rate limits in memory (3 per account, 4 per address, 60 s)", run, tally, {
        lost: undefined,
        ok: failures.length === 0,
        notes: failures.length
          ? failures
          : [
              "429 with Retry-After at the 4th attempt per account, the 5th per address, the 4th sign-up",
            ],
      }),
    );
    if (!run.redisUrl) {
      rows.push({
        ...row("rate limits shared by two processes through Redis", run, new Tally(run), {
          lost: undefined,
          ok: true,
        }),
        skipped: true,
        notes: ["skipped: no Redis answers (set TEST_REDIS_URL)"],
      });
      return;
    }
    const shared = { ...appEnv(app), ...limits, REDIS_URL: run.redisUrl };
    const one = await serverFor(run, db, shared, "rate limits through Redis, one");
    const two = await serverFor(run, db, shared, "rate limits through Redis, two");
    const redisTally = new Tally(run);
    const tokens = [
      await appToken(new Tally(run), one.origin, app),
      await appToken(new Tally(run), two.origin, app),
    ];
    const redisFailures = await check(redisTally, [one, two], tokens);
    await one.stop();
    await two.stop();
    rows.push(
      row("rate limits shared by two processes through Redis (alternating)", run, redisTally, {
        lost: undefined,
        ok: redisFailures.length === 0,
        notes: redisFailures.length
          ? redisFailures
          : ["the same counts hold with attempts alternating between the two processes"],
      }),
    );
  });
  return rows;
}

/** Every line every server of the run wrote, against every secret the run saw. */
export function secretsScan(run) {
  const lines = run.sources.reduce((sum, source) => sum + source.lines.length, 0);
  const leaks = run.ledger.leaks(run.sources, (line) => /^\s*shared secret:\s+\S+\s*$/.test(line));
  const errorBodies = run.errorBodyProblems ?? 0;
  return {
    scenario: "secrets in server output, stack traces and SQL in error bodies",
    db: run.dialect,
    sent: lines,
    accepted: lines - leaks.length,
    rejected: leaks.length,
    unavailable: 0,
    serverErrors: 0,
    lost: undefined,
    ok: leaks.length === 0 && lines > 0,
    notes: [
      `${lines.toLocaleString("en")} log lines of ${run.sources.length} server processes scanned for ${run.ledger.values.size.toLocaleString("en")} recorded secrets and for any JWT or password hash: ${leaks.length} found${errorBodies ? `; ${errorBodies} error-body problems` : ""}`,
      ...leaks
        .slice(0, 3)
        .map((leak) => `${leak.what} in ${leak.source}: ${leak.line.slice(0, 120)}`),
    ],
  };
}

export { errorBodyProblems };
