// The real server as a child process: `node dist/index.js`, exactly what `npm start` runs, on a
// port the kernel picks, with the environment a test chooses. Its stdout and stderr are kept
// line by line so that tests can read what an operator would see, and it is stopped with the
// signals an orchestrator sends (SIGTERM, then SIGKILL). Every process started here is killed
// when the test process exits, whatever happened to the test.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { validatingFetch } from "./spec-validator.js";

export const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));
export const SERVER_ENTRY = join(SERVER_DIR, "dist", "index.js");
const SRC_DIR = join(SERVER_DIR, "src");
const DIST_DIR = join(SERVER_DIR, "dist");

/** Why dist/ cannot be trusted to be the code in src/, or undefined when it can. */
export function staleBuildReason(): string | undefined {
  if (!existsSync(SERVER_ENTRY)) return "dist/index.js is missing";
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  for (const source of walk(SRC_DIR)) {
    if (!source.endsWith(".ts") || /\.(test|test-d|d)\.ts$/.test(source)) continue;
    const built = join(DIST_DIR, relative(SRC_DIR, source).replace(/\.ts$/, ".js"));
    if (!existsSync(built)) return `${relative(SERVER_DIR, built)} is missing`;
    if (statSync(built).mtimeMs < statSync(source).mtimeMs) {
      return `${relative(SERVER_DIR, source)} is newer than its build`;
    }
  }
  return undefined;
}

/**
 * Builds dist/ when it is missing or older than src/. Turbo builds before it tests; this is for
 * a direct `vitest run`. Test files run in parallel workers, so a lock directory (mkdir is
 * atomic) keeps two of them from writing dist/ at once.
 */
export async function ensureBuilt(): Promise<void> {
  if (!staleBuildReason()) return;
  const key = createHash("sha256").update(SERVER_DIR).digest("hex").slice(0, 12);
  const lock = join(tmpdir(), `kibo-auth-build-${key}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock older than any build is left over from a killed run.
      const lockedAt = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > 120_000) {
        rmSync(lock, { recursive: true, force: true });
      }
      if (Date.now() > deadline) throw new Error(`waited too long for the build lock ${lock}`);
      await sleep(250);
    }
  }
  try {
    // Another worker may have built while this one waited.
    const reason = staleBuildReason();
    if (!reason) return;
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
      cwd: SERVER_DIR,
      encoding: "utf8",
    });
    if (result.status !== 0) {
      throw new Error(`building the server failed (${reason}):\n${result.stdout}${result.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  /** DATABASE_URL: a SQLite file path or a postgres:// URL. */
  databaseUrl: string;
  /** More environment (APP_CLIENT_ID, TOKEN_*, ...). Nothing is inherited but PATH and HOME. */
  env?: Record<string, string>;
  /** Names the process in messages, when a test runs several. */
  name?: string;
  startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** Every line written so far, stdout and stderr interleaved in arrival order. */
  readonly lines: readonly string[];
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** The structured log lines (JSON objects on stdout). */
  logs(): Record<string, unknown>[];
  /** Resolves with the first line (already written or still to come) that passes `test`. */
  waitForLine(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<ExitStatus>;
  /** SIGTERM, as an orchestrator stops it; SIGKILL after `timeoutMs` if it has not exited. */
  stop(timeoutMs?: number): Promise<ExitStatus>;
  /** SIGKILL: no chance to clean up, as when a machine dies. */
  kill(): Promise<ExitStatus>;
}

const running = new Set<ChildProcess>();
// Whatever happens to the test (a failed assertion, a timeout, a crash), no server outlives it.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Starts `node dist/index.js` on a free port and resolves once /healthz answers 200. */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error("dist/index.js is missing: call ensureBuilt()");
  const name = options.name ?? "server";
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? tmpdir(),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    ...options.env,
    DATABASE_URL: options.databaseUrl,
  };
  if (env.LOG_LEVEL !== "info" && env.LOG_LEVEL !== "debug") {
    // The port the kernel picked is learnt from the "listening" log line.
    throw new Error("startServer needs LOG_LEVEL info or debug");
  }
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: SERVER_DIR,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  const lines: string[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const collect = (stream: NodeJS.ReadableStream, into: string[]) =>
    createInterface({ input: stream }).on("line", (line) => {
      into.push(line);
      lines.push(line);
      for (const watch of watchers) watch(line);
    });
  collect(child.stdout, stdout);
  collect(child.stderr, stderr);
  // readline may hand over the last lines after "exit": wait for both streams to end.
  const drained = Promise.all([
    new Promise((resolve) => child.stdout.once("close", resolve)),
    new Promise((resolve) => child.stderr.once("close", resolve)),
  ]);
  const finished = exited.then(async (status) => {
    await drained;
    return status;
  });

  const describeOutput = () => `${name} (pid ${child.pid}) wrote:\n${lines.join("\n")}`;
  const waitForLine = (test: (line: string) => boolean, timeoutMs = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find(test);
      if (seen !== undefined) return resolve(seen);
      const timer = setTimeout(() => {
        watchers.delete(watch);
        reject(new Error(`no matching line within ${timeoutMs} ms; ${describeOutput()}`));
      }, timeoutMs);
      const watch = (line: string) => {
        if (!test(line)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        resolve(line);
      };
      watchers.add(watch);
      void finished.then(() => {
        if (!watchers.has(watch)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        reject(new Error(`the process exited before a matching line; ${describeOutput()}`));
      });
    });

  const stop = async (timeoutMs = 15_000): Promise<ExitStatus> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    try {
      return await finished;
    } finally {
      clearTimeout(timer);
    }
  };
  const kill = async (): Promise<ExitStatus> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    return finished;
  };

  let port: number;
  try {
    const listening = await waitForLine(
      (line) => parseJson(line)?.msg === "listening",
      options.startTimeoutMs ?? 30_000,
    );
    port = Number(parseJson(listening)?.port);
    const health = await validatingFetch()(`http://127.0.0.1:${port}/healthz`);
    if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  } catch (error) {
    await kill();
    throw error;
  }

  return {
    name,
    pid: child.pid ?? -1,
    port,
    origin: `http://127.0.0.1:${port}`,
    lines,
    stdout,
    stderr,
    logs: () => stdout.map(parseJson).filter((entry) => entry !== undefined),
    waitForLine,
    exited: finished,
    stop,
    kill,
  };
}

/**
 * Resolves once the server has read every byte a client sent on one connection so far, by
 * watching that connection's receive queue in /proc/net/tcp (Linux). Node parses HTTP in the
 * same callback that reads the bytes, so from then on a request whose headers were sent is in
 * flight in the server: no sleep has to guess when that is.
 */
export async function untilServerHasRead(
  server: ServerProcess,
  clientPort: number,
  timeoutMs = 10_000,
): Promise<void> {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, "0");
  const local = `:${hex(server.port)}`;
  const remote = `:${hex(clientPort)}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = readFileSync("/proc/net/tcp", "utf8")
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .find((fields) => fields[1]?.endsWith(local) && fields[2]?.endsWith(remote));
    // st 01 is ESTABLISHED; the 4th field is tx_queue:rx_queue in hex.
    if (row?.[3] === "01" && row[4]?.endsWith(":00000000")) return;
    if (Date.now() > deadline) {
      throw new Error(`${server.name} did not read the request within ${timeoutMs} ms`);
    }
    await sleep(5);
  }
}

/**
 * For a describe whose tests run built servers on SQLite: dist/ built first when needed, a fresh
 * directory for their databases (the function returns it once the describe has begun), and
 * every server stopped and the directory removed after.
 */
export function builtServersIn(): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), "kibo-auth-e2e-"));
  }, 180_000);
  afterAll(async () => {
    await stopAllServers();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error("the directory exists only once the describe has begun");
    return dir;
  };
}

/** Stops every server still running (SIGTERM, then SIGKILL): for afterAll/afterEach. */
export async function stopAllServers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
        }),
    ),
  );
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
