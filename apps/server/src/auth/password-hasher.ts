// argon2id password hashing. @node-rs/argon2's async calls run on libuv's thread pool, so a
// hash never blocks the event loop; the PHC string it returns carries its own parameters.
import { hash, verify } from "@node-rs/argon2";
import { ServiceUnavailableError } from "../http/errors.js";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(phcHash: string, password: string): Promise<boolean>;
}

/** OWASP's first recommended argon2id setting: 19 MiB, two passes, one lane. */
export const OWASP_ARGON2ID = Object.freeze({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });

export function createArgon2idHasher(params = OWASP_ARGON2ID): PasswordHasher {
  // 2 is Algorithm.Argon2id: a const enum, which verbatimModuleSyntax cannot import.
  const options = { algorithm: 2 as const, ...params };
  return {
    hash: (password) => hash(password, options),
    verify: async (phcHash, password) => {
      try {
        return await verify(phcHash, password);
      } catch {
        return false; // a malformed stored hash verifies nothing
      }
    },
  };
}

/**
 * Bounds the work waiting for the hasher: at most `concurrency` hashes run at once (the libuv
 * pool's size is the real limit) and at most `maxWaiting` wait. Past that, a request is refused
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
