// Headless Chromium driven over the DevTools protocol through --remote-debugging-pipe: the
// browser reads commands on fd 3 and writes answers and events on fd 4, NUL-separated JSON.
// That is all a test needs to load a page, watch every request it makes and read its DOM,
// with no driver package (playwright-core, puppeteer) and no WebSocket client.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** The Debian `chromium` binary (apt-get install chromium), or the one CHROMIUM_PATH names. */
export const CHROMIUM_PATH = [process.env.CHROMIUM_PATH, "/usr/bin/chromium"].find(
  (path): path is string => Boolean(path && existsSync(path)),
);

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export interface PageRequest {
  url: string;
  method: string;
  type: string | undefined;
}

export interface Page {
  /** Every request the page started, in order, data: URLs included. */
  readonly requests: PageRequest[];
  /** Requests that got no response (refused, blocked, unresolvable), by URL. */
  readonly failures: { url: string; error: string }[];
  /** Uncaught exceptions and console.error messages in the page. */
  readonly errors: string[];
  navigate(url: string): Promise<void>;
  evaluate<T>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy; throws with `what` after `timeoutMs`. */
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
}

export interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(options: { extraArgs?: string[] } = {}): Promise<Browser> {
  if (!CHROMIUM_PATH) throw new Error("no Chromium: set CHROMIUM_PATH or install chromium");
  const profile = mkdtempSync(join(tmpdir(), "kibo-auth-chromium-"));
  const child = spawn(
    CHROMIUM_PATH,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--remote-debugging-pipe",
      ...(options.extraArgs ?? []),
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
  );
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;

  let nextId = 0;
  const pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(message: Message) => void>();
  let buffered = "";
  fromBrowser.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let end = buffered.indexOf("\0"); end >= 0; end = buffered.indexOf("\0")) {
      const message = JSON.parse(buffered.slice(0, end)) as Message;
      buffered = buffered.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(`Chromium: ${message.error.message}`));
        else waiter?.resolve(message);
      } else {
        for (const listener of listeners) listener(message);
      }
    }
  });
  void exited.then(() => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`Chromium exited; it wrote:\n${stderr}`));
    }
    pending.clear();
  });

  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve: (message) => resolve(message.result ?? {}), reject });
      toBrowser.write(`${JSON.stringify({ id: nextId, method, params, sessionId })}\0`);
    });

  const close = async () => {
    await Promise.race([
      send("Browser.close").catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 5000)),
    ]);
    const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(killer);
    process.removeListener("exit", killOnExit);
    rmSync(profile, { recursive: true, force: true });
  };

  try {
    // The first answer proves the pipe works; a browser that cannot start fails here.
    await Promise.race([
      send("Browser.getVersion"),
      exited.then(() => {
        throw new Error(`Chromium exited at start; it wrote:\n${stderr}`);
      }),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`Chromium did not answer; it wrote:\n${stderr}`)),
          20_000,
        ),
      ),
    ]);
  } catch (error) {
    child.kill("SIGKILL");
    await close();
    throw error;
  }

  return {
    close,
    async newPage() {
      const { targetId } = await send("Target.createTarget", { url: "about:blank" });
      const { sessionId } = (await send("Target.attachToTarget", { targetId, flatten: true })) as {
        sessionId: string;
      };
      const requests: PageRequest[] = [];
      const failures: { url: string; error: string }[] = [];
      const errors: string[] = [];
      const urls = new Map<string, string>();
      listeners.add((message) => {
        if (message.sessionId !== sessionId || !message.params) return;
        const params = message.params;
        const field = <T>(key: string) => params[key] as T;
        if (message.method === "Network.requestWillBeSent") {
          const request = field<{ url: string; method: string }>("request");
          urls.set(field<string>("requestId"), request.url);
          requests.push({ url: request.url, method: request.method, type: field("type") });
        } else if (message.method === "Network.loadingFailed") {
          failures.push({
            url: urls.get(field<string>("requestId")) ?? "?",
            error: field<string>("errorText"),
          });
        } else if (message.method === "Runtime.exceptionThrown") {
          const details = field<{ text: string; exception?: { description?: string } }>(
            "exceptionDetails",
          );
          errors.push(details.exception?.description ?? details.text);
        } else if (message.method === "Runtime.consoleAPICalled" && field("type") === "error") {
          const args = field<{ value?: unknown; description?: string }[]>("args");
          errors.push(args.map((arg) => String(arg.value ?? arg.description)).join(" "));
        }
      });
      await send("Network.enable", {}, sessionId);
      await send("Runtime.enable", {}, sessionId);
      await send("Page.enable", {}, sessionId);

      const evaluate = async <T>(expression: string): Promise<T> => {
        const { result, exceptionDetails } = (await send(
          "Runtime.evaluate",
          { expression, returnByValue: true, awaitPromise: true },
          sessionId,
        )) as { result: { value: T }; exceptionDetails?: { text: string } };
        if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.text}`);
        return result.value;
      };
      return {
        requests,
        failures,
        errors,
        evaluate,
        async navigate(url) {
          const loaded = new Promise<void>((resolve) => {
            const listener = (message: Message) => {
              if (message.sessionId === sessionId && message.method === "Page.loadEventFired") {
                listeners.delete(listener);
                resolve();
              }
            };
            listeners.add(listener);
          });
          const { errorText } = (await send("Page.navigate", { url }, sessionId)) as {
            errorText?: string;
          };
          if (errorText) throw new Error(`navigating to ${url}: ${errorText}`);
          await loaded;
        },
        async waitFor(expression, what, timeoutMs = 15_000) {
          const deadline = Date.now() + timeoutMs;
          while (!(await evaluate<boolean>(`Boolean(${expression})`))) {
            if (Date.now() > deadline) {
              const text = await evaluate<string>("document.body?.innerText ?? ''");
              throw new Error(`${what}: not within ${timeoutMs} ms; the page shows:\n${text}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        },
      };
    },
  };
}
