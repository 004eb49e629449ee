// HTTP from the outside, as clients and attackers send it: node:http requests that report a
// refused or reset connection as an outcome rather than an exception (load scenarios count
// them), and raw bytes over a TCP socket for what no well-behaved client sends (headers over
// the parser's limit, bytes that are not UTF-8).
import { once } from "node:events";
import http from "node:http";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * One request. Resolves, never rejects: `{ status, headers, text, ms }` when an answer came,
 * `{ error, ms }` (ECONNREFUSED, ECONNRESET, TIMEOUT...) when none did. `sentAt` and
 * `answeredAt` are performance.now() readings, for ordering against signals.
 */
export function send(
  origin,
  { method = "GET", path, headers = {}, body, agent, timeoutMs = 30_000 },
) {
  const url = new URL(path, origin);
  const payload =
    body === undefined ? undefined : typeof body === "string" ? Buffer.from(body) : body;
  const sentAt = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const answeredAt = performance.now();
      resolve({ ...outcome, sentAt, answeredAt, ms: answeredAt - sentAt });
    };
    const request = http.request(
      url,
      {
        method,
        agent: agent ?? false,
        headers: {
          ...(payload ? { "content-length": String(payload.length) } : {}),
          ...headers,
        },
      },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () =>
          finish({
            status: response.statusCode ?? 0,
            headers: toHeaders(response.headers),
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", (error) => finish({ error: error.code ?? error.message }));
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      finish({ error: "TIMEOUT" });
    }, timeoutMs);
    request.on("error", (error) => finish({ error: error.code ?? error.message }));
    request.end(payload);
  });
}

function toHeaders(raw) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/**
 * Writes `bytes` to a fresh connection and reads until the server closes it or `timeoutMs`
 * passes; answers the parsed status line, headers and body (or `timedOut`).
 */
export function rawExchange(port, bytes, { timeoutMs = 10_000, host = "127.0.0.1" } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const chunks = [];
    let done = false;
    const finish = (timedOut, error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), timedOut, error });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    // write, not end: Node's server aborts a request whose client half-closes before the answer.
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      // One complete response is all a test needs; a keep-alive socket would stay open.
      const parsed = parseResponse(Buffer.concat(chunks));
      if (parsed.complete) finish(false);
    });
    socket.on("end", () => finish(false));
    socket.on("close", () => finish(false));
    socket.on("error", (error) => finish(false, error.code ?? error.message));
  });
}

/**
 * Writes `bytes` to a fresh connection, waits `afterMs` (the server is then reading the rest
 * of the request) and closes the connection, reading nothing.
 */
export async function hangUpAfter(port, bytes, { afterMs = 200, host = "127.0.0.1" } = {}) {
  const socket = net.connect({ port, host });
  await once(socket, "connect");
  socket.write(bytes);
  await sleep(afterMs);
  socket.destroy();
}

function parseResponse(buffer) {
  const text = buffer.toString("latin1");
  const split = text.indexOf("\r\n\r\n");
  if (split < 0) return { status: undefined, headers: new Headers(), body: "", complete: false };
  const [statusLine = "", ...headerLines] = text.slice(0, split).split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = new Headers();
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const bodyBytes = buffer.subarray(Buffer.byteLength(text.slice(0, split + 4), "latin1"));
  const length = Number(headers.get("content-length") ?? Number.NaN);
  const complete = Number.isFinite(length) ? bodyBytes.length >= length : false;
  return { status, headers, body: bodyBytes.toString("utf8"), complete };
}

/** Runs `task(index)` for indexes 0..count-1 with at most `concurrency` at once. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** The p-th percentile (0..100) of some numbers, nearest rank; NaN when there are none. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
