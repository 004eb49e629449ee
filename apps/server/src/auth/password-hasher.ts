// argon2id password hashing. @node-rs/argon2's async calls run on libuv's thread pool, so a
// hash never blocks the event loop; the PHC string it returns carries its own parameters.
import { hash, verify } from "@node-rs/argon2";

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
