// `npm start` as a supervisor runs it: a SIGTERM sent to the npm process alone (not to its
// process group, as `docker stop` or systemd with KillMode=process do) must reach the server
// and stop it gracefully. npm passes a signal on to its direct child only, so every shell between
// npm and node must `exec`. The root script builds with turbo and then hands over to this
// package's script; this test runs that hand-over as npm runs it (`sh -c`) and signals the shell,
// as the root npm would.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt } from "../support/server-process.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const rootStart: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts
  .start;
/** What the root script runs once the build is done. */
const handOver = rootStart.split(" && ").at(-1) ?? "";

describe("npm start", () => {
  const dir = mkdtempSync(join(tmpdir(), "kibo-auth-npm-start-"));
  let groupId: number | undefined;

  beforeAll(ensureBuilt);
  afterAll(() => {
    // Whatever the outcome, nothing the test started outlives it.
    if (groupId !== undefined) {
      try {
        process.kill(-groupId, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands a SIGTERM sent to npm alone to the server, which stops gracefully", async () => {
    expect(handOver).toMatch(/^exec npm /);
    const child = spawn("sh", ["-c", handOver], {
      cwd: ROOT,
      // Its own process group: the signal below goes to the shell's pid only, and the test can
      // still kill everything under it.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? dir,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        DATABASE_URL: join(dir, "npm-start.sqlite"),
      },
    });
    groupId = child.pid;
    const exited = once(child, "exit");
    const logs: Record<string, unknown>[] = [];
    const output: string[] = [];
    const listening = new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => {
        output.push(line);
        if (!line.startsWith("{")) return;
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === "listening") resolve(entry.port as number);
      });
      void exited.then(() => reject(new Error(`exited before listening:\n${output.join("\n")}`)));
    });
    createInterface({ input: child.stderr }).on("line", (line) => output.push(line));

    const port = await listening;
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);

    child.kill("SIGTERM");
    const [code, signal] = await exited;
    expect({ code, signal }, output.join("\n")).toEqual({ code: 0, signal: null });
    const messages = logs.map((entry) => entry.msg);
    expect(logs.find((entry) => entry.msg === "stopping")?.signal).toBe("SIGTERM");
    expect(messages.at(-1)).toBe("stopped");

    // The server itself is gone: its port refuses connections.
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused).toBe("ECONNREFUSED");
  });
});
