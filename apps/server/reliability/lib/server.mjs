// The built server (dist/index.js, what `npm start` runs) as a child process for the
// reliability script: a port the kernel picks, an environment of the scenario's choosing,
// every output line kept (the secrets scan reads them), SIGTERM and SIGKILL as an
// orchestrator and a dying machine send them. Nothing outlives the script.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = join(SERVER_DIR, "dist", "index.js");

const children = new Set();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Builds dist/ (tsc -p tsconfig.build.json) when it is missing or older than src/. */
export function buildIfStale() {
  const src = join(SERVER_DIR, "src");
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  const stale =
    !existsSync(ENTRY) ||
    walk(src).some((file) => {
      if (!file.endsWith(".ts") || /\.(test|test-d|d)\.ts$/.test(file)) return false;
      const built = join(SERVER_DIR, "dist", relative(src, file).replace(/\.ts$/, ".js"));
      return !existsSync(built) || statSync(built).mtimeMs < statSync(file).mtimeMs;
    });
  if (!stale) return false;
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: SERVER_DIR,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`building the server failed:\n${result.stdout}`);
  return true;
}

/**
 * Starts the server and resolves once it logged "listening". `lines` holds every line it
 * writes (stdout and stderr), `exited` resolves with { code, signal } once its output is read.
 */
export async function startServer({ databaseUrl, env = {}, name = "server" }) {
  const child = spawn(process.execPath, [ENTRY], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? tmpdir(),
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ...env,
      DATABASE_URL: databaseUrl,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const lines = [];
  const watchers = new Set();
  const collect = (stream) =>
    new Promise((resolve) => {
      createInterface({ input: stream })
        .on("line", (line) => {
          lines.push(line);
          for (const watch of watchers) watch(line);
        })
        .on("close", resolve);
    });
  const drained = Promise.all([collect(child.stdout), collect(child.stderr)]);
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  ).then(async (status) => {
    await drained;
    return status;
  });

  const waitForLine = (test, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      const seen = lines.find(test);
      if (seen !== undefined) return resolve(seen);
      const timer = setTimeout(() => {
        watchers.delete(watch);
        reject(new Error(`${name}: no matching line within ${timeoutMs} ms:\n${lines.join("\n")}`));
      }, timeoutMs);
      const watch = (line) => {
        if (!test(line)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        resolve(line);
      };
      watchers.add(watch);
      exited.then(() => {
        if (!watchers.has(watch)) return;
        clearTimeout(timer);
        watchers.delete(watch);
        reject(new Error(`${name} exited before a matching line:\n${lines.join("\n")}`));
      });
    });

  const listening = await waitForLine((line) => parseJson(line)?.msg === "listening", 30_000);
  const port = Number(parseJson(listening).port);
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid: child.pid,
    port,
    origin: `http://127.0.0.1:${port}`,
    lines,
    exited,
    waitForLine,
    logs: () => lines.map(parseJson).filter(Boolean),
    /** SIGTERM; SIGKILL after timeoutMs. */
    async stop(timeoutMs = 15_000) {
      if (running()) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (running()) child.kill("SIGKILL");
      return exited;
    },
  };
}

export function parseJson(line) {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
