// The load generator, run as its own process so that its CPU never counts as the server's.
// Usage: node bench/load.mjs '<json options>'; prints one JSON result line on stdout.
//
// Two modes:
// - "closed": `concurrency` requests always in flight over keep-alive connections, each
//   sending the next request as soon as its answer arrives (saturation throughput).
// - "rate": one request every 1000/rate ms whatever happened to the previous ones, each on a
//   new connection, as a Kubernetes probe does (latency of a light request under load).
// Only requests that end inside [warmupMs, durationMs] count: the first second pays for JIT
// compilation and connection set-up.
import http from "node:http";
import net from "node:net";
import { performance } from "node:perf_hooks";

const options = JSON.parse(process.argv[2] ?? "{}");
const {
  url,
  method = "GET",
  headers = {},
  // A string, or { password?, extra? }: a sign-up with a fresh email address per request.
  body,
  mode = "closed",
  concurrency = 16,
  rate = 20,
  startDelayMs = 0,
  durationMs = 10_000,
  warmupMs = 1_000,
} = options;
const target = new URL(url);
const runId = `${process.pid}.${Date.now().toString(36)}`;
let sent = 0;

function bodyFor() {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  sent += 1;
  return JSON.stringify({
    account: { emailAddress: `bench.${runId}.${sent}@example.com`, firstName: "Bench" },
    password: body.password,
    ...body.extra,
  });
}

/**
 * One request on a new connection through node:http, as a probe makes it ("rate" mode).
 */
function probeOnce() {
  return new Promise((resolve) => {
    const payload = bodyFor();
    const started = performance.now();
    const request = http.request(
      {
        agent: false,
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method,
        headers: {
          ...headers,
          ...(payload === undefined ? {} : { "content-length": Buffer.byteLength(payload) }),
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }),
        );
        response.on("error", (error) =>
          resolve({ status: 0, error: error.code ?? error.message, ms: 0 }),
        );
      },
    );
    request.on("error", (error) =>
      resolve({ status: 0, error: error.code ?? error.message, ms: 0 }),
    );
    request.end(payload);
  });
}

/**
 * A keep-alive connection that sends one request at a time ("closed" mode). HTTP/1.1 is
 * written by hand and answers are framed by their Content-Length: node:http's client spends
 * more CPU per request than a cheap server operation does, and on a small machine the
 * generator's CPU is taken from the server being measured.
 */
function keepAliveConnection() {
  const head = [
    `${method} ${target.pathname}${target.search} HTTP/1.1`,
    `host: ${target.host}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ].join("\r\n");
  let socket;
  let received = Buffer.alloc(0);
  let pending; // { resolve, started }

  const settle = (outcome) => {
    const waiter = pending;
    pending = undefined;
    waiter?.resolve(outcome);
  };
  const fail = (error) => {
    socket?.destroy();
    socket = undefined;
    received = Buffer.alloc(0);
    settle({ status: 0, error, ms: 0 });
  };
  const onData = (chunk) => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    const headEnd = received.indexOf("\r\n\r\n");
    if (headEnd < 0 || !pending) return;
    const responseHead = received.toString("latin1", 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(responseHead);
    if (!length) return fail("response without content-length");
    const end = headEnd + 4 + Number(length[1]);
    if (received.length < end) return;
    received = received.subarray(end);
    const status = Number(responseHead.slice(9, 12));
    if (/\r\nconnection: *close/i.test(responseHead)) {
      socket.destroy();
      socket = undefined;
    }
    settle({ status, ms: performance.now() - pending.started });
  };
  const connect = () => {
    const fresh = net.connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    fresh.on("data", onData);
    fresh.on("error", (error) => socket === fresh && fail(error.code ?? error.message));
    fresh.on("close", () => socket === fresh && fail("connection closed"));
    return fresh;
  };
  return {
    send() {
      return new Promise((resolve) => {
        const payload = bodyFor();
        socket ??= connect();
        pending = { resolve, started: performance.now() };
        socket.write(
          payload === undefined
            ? `${head}\r\n\r\n`
            : `${head}\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
        );
      });
    },
    close: () => socket?.destroy(),
  };
}

const results = [];
const errors = {};
let windowStart;
let windowEnd;

function record(outcome, endedAt) {
  if (endedAt < windowStart || endedAt > windowEnd) return;
  if (outcome.status === 0) {
    errors[outcome.error] = (errors[outcome.error] ?? 0) + 1;
    return;
  }
  results.push(outcome);
}

await new Promise((resolve) => setTimeout(resolve, startDelayMs));
const begin = performance.now();
windowStart = begin + warmupMs;
windowEnd = begin + durationMs;

if (mode === "closed") {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const connection = keepAliveConnection();
      while (performance.now() < windowEnd) record(await connection.send(), performance.now());
      connection.close();
    }),
  );
} else {
  const inFlight = [];
  for (let at = begin; at < windowEnd; at += 1000 / rate) {
    const wait = at - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(probeOnce().then((outcome) => record(outcome, performance.now())));
  }
  await Promise.all(inFlight);
}

const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
const percentile = (p) =>
  latencies.length
    ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]
    : NaN;
const statuses = {};
for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
const seconds = (windowEnd - windowStart) / 1000;
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({
    completed: results.length,
    perSecond: results.length / seconds,
    statuses,
    errors,
    p50: percentile(0.5),
    p90: percentile(0.9),
    p99: percentile(0.99),
    max: latencies.at(-1) ?? NaN,
    cpuMs: (cpu.user + cpu.system) / 1000,
  })}\n`,
);
