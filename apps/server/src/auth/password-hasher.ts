// argon2id password hashing on threads of its own, at a lower CPU priority than the event loop.
// A hash takes ~10 ms of one core; the event loop's work for a request takes a fraction of a
// millisecond but is what every waiting client needs next. On libuv's pool the two competed as
// equals, so under load the event loop waited behind hashes (slow /healthz, idle hash threads
// waiting for it to hand them the next password). Each hashing thread lowers its own priority
// (Linux applies setpriority to the calling thread), so the scheduler runs the event loop first
// and the hashes in every moment it leaves. The PHC string a hash returns carries its parameters.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { ServiceUnavailableError } from "../http/errors.js";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(phcHash: string, password: string): Promise<boolean>;
}

export interface Argon2idParams {
  /** KiB */
  memoryCost: number;
  /** passes */
  timeCost: number;
  /** lanes */
  parallelism: number;
}

/** OWASP's first recommended argon2id setting: 19 MiB, two passes, one lane. The default. */
export const OWASP_ARGON2ID: Readonly<Argon2idParams> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/** OWASP's five argon2id settings of equal strength (Password Storage Cheat Sheet): KiB, passes. */
export const OWASP_ARGON2ID_SETTINGS = Object.freeze([
  [47_104, 1],
  [19_456, 2],
  [12_288, 3],
  [9_216, 4],
  [7_168, 5],
] as const);

/** At least as strong as one of OWASP's settings: as much memory and as many passes, or more. */
export function meetsOwaspMinimum(params: Pick<Argon2idParams, "memoryCost" | "timeCost">) {
  return OWASP_ARGON2ID_SETTINGS.some(
    ([memoryCost, timeCost]) => params.memoryCost >= memoryCost && params.timeCost >= timeCost,
  );
}

/**
 * Whether a stored hash was made with exactly these parameters. One made with others (the
 * operator changed them since) is re-hashed at the shopper's next successful log-in, the only
 * moment the password is at hand.
 */
export function isHashedWith(phcHash: string, params: Argon2idParams): boolean {
  const found = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phcHash);
  return (
    found !== null &&
    Number(found[1]) === params.memoryCost &&
    Number(found[2]) === params.timeCost &&
    Number(found[3]) === params.parallelism
  );
}

/** How much lower than the event loop the hashing threads run (a nice value, 0-19). */
const HASHING_NICENESS = 10;

// The thread's code: plain CommonJS evaluated by the worker, so that it runs the same from
// dist/ and from the TypeScript sources under test. It loads @node-rs/argon2 from the path the
// main thread resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
try { require("node:os").setPriority(0, workerData.niceness); } catch {}
const { hashSync, verifySync } = require(workerData.argon2);
const verifies = (phcHash, password) => {
  try {
    return verifySync(phcHash, password);
  } catch {
    return false; // a malformed stored hash verifies nothing
  }
};
parentPort.on("message", ({ password, phcHash, options }) => {
  try {
    const result = phcHash === undefined ? hashSync(password, options) : verifies(phcHash, password);
    parentPort.postMessage({ result });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;

export interface ThreadedHasher extends PasswordHasher {
  /** Passwords its threads take at once: each hashes one and holds the next. */
  readonly capacity: number;
  /** Stops the hashing threads; pending calls fail. */
  close(): Promise<void>;
}

/**
 * argon2id on `threads` hashing threads, each hashing one password at a time with the next one
 * in hand; more calls queue here. Threads start at first need and hold the process open only
 * while they have work.
 */
export function createArgon2idHasher(
  params: Argon2idParams = OWASP_ARGON2ID,
  threads = 2,
): ThreadedHasher {
  // 2 is Algorithm.Argon2id: a const enum, which verbatimModuleSyntax cannot import.
  const options = { algorithm: 2 as const, ...params };
  const argon2 = createRequire(import.meta.url).resolve("@node-rs/argon2");
  type Job = {
    message: { password: string; phcHash?: string };
    resolve: (result: unknown) => void;
    reject: (error: Error) => void;
  };
  const queue: Job[] = [];
  // Each thread is handed up to two passwords: the one it hashes and the next, so that it goes
  // on at once when it finishes, even while the event loop is busy (a commit, a collection).
  const PER_THREAD = 2;
  const assigned = new Map<Worker, Job[]>();
  let closed = false;

  const start = (): Worker => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { argon2, niceness: HASHING_NICENESS },
      // The thread's JavaScript only passes strings along (the 19 MiB of a hash are native
      // memory): a small heap keeps each thread's share of the process's memory small.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
    });
    assigned.set(worker, []);
    worker.on("message", (reply: { result?: unknown; error?: string }) => {
      const job = assigned.get(worker)?.shift();
      if (reply.error !== undefined) job?.reject(new Error(reply.error));
      else job?.resolve(reply.result);
      dispatch();
    });
    // A thread that dies (or is terminated by close) fails its passwords, not the process; the
    // next call starts a new thread.
    worker.on("error", () => {});
    worker.on("exit", () => {
      for (const job of assigned.get(worker) ?? [])
        job.reject(new Error("the hashing thread stopped"));
      assigned.delete(worker);
      dispatch();
    });
    return worker;
  };

  /** The thread to hand the next password to: an idle one, a new one, or one with room. */
  const nextThread = (): Worker | undefined => {
    let best: Worker | undefined;
    for (const [worker, jobs] of assigned) {
      if (jobs.length === 0) return worker;
      if (jobs.length < PER_THREAD && !best) best = worker;
    }
    return assigned.size < threads ? start() : best;
  };

  const dispatch = () => {
    if (closed) return;
    while (queue.length > 0) {
      const worker = nextThread();
      if (!worker) break;
      const job = queue.shift() as Job;
      assigned.get(worker)?.push(job);
      worker.ref();
      worker.postMessage({ ...job.message, options });
    }
    for (const [worker, jobs] of assigned) if (jobs.length === 0) worker.unref();
  };

  const run = <T>(message: Job["message"]) =>
    new Promise<T>((resolve, reject) => {
      if (closed) return reject(new Error("the hasher is closed"));
      queue.push({ message, resolve: resolve as Job["resolve"], reject });
      dispatch();
    });

  return {
    capacity: threads * PER_THREAD,
    hash: (password) => run<string>({ password }),
    verify: (phcHash, password) => run<boolean>({ password, phcHash }),
    close: async () => {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error("the hasher is closed"));
      // Referenced again while stopping: an idle (unreferenced) thread would otherwise let the
      // process end before the caller's next step.
      await Promise.all(
        [...assigned.keys()].map((worker) => {
          worker.ref();
          return worker.terminate();
        }),
      );
    },
  };
}

/**
 * The server's hasher: argon2id with the configured parameters on `concurrency` threads of its
 * own, bounded as createBoundedHasher describes. `close` ends the threads.
 */
export function createServerHasher(settings: {
  params: Argon2idParams;
  concurrency: number;
  maxWaiting: number;
}): {
  hasher: PasswordHasher;
  close(): Promise<void>;
} {
  const hashing = createArgon2idHasher(settings.params, settings.concurrency);
  return {
    hasher: createBoundedHasher(hashing, {
      concurrency: hashing.capacity,
      maxWaiting: settings.maxWaiting,
    }),
    close: () => hashing.close(),
  };
}

/**
 * Bounds the work waiting for the hasher: at most `concurrency` passwords are with it at once
 * (its capacity) and at most `maxWaiting` wait. Past that, a request is refused
 * at once with 503 and Retry-After instead of waiting without end, so latency stays bounded
 * and other endpoints (/healthz) stay fast.
 */
export function createBoundedHasher(
  inner: PasswordHasher,
  limits: { concurrency: number; maxWaiting: number },
): PasswordHasher & { pending(): number } {
  let running = 0;
  const waiting: (() => void)[] = [];
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= limits.concurrency) {
      if (waiting.length >= limits.maxWaiting) {
        throw new ServiceUnavailableError(
          "The server is busy hashing passwords; try again shortly.",
          1,
        );
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running += 1;
    }
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
  return {
    hash: (password) => run(() => inner.hash(password)),
    verify: (phcHash, password) => run(() => inner.verify(phcHash, password)),
    pending: () => running + waiting.length,
  };
}
