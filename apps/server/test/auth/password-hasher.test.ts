// The argon2id hasher on its own threads: real hashes, real threads, their priority read back
// from the kernel.
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  createArgon2idHasher,
  isHashedWith,
  meetsOwaspMinimum,
  OWASP_ARGON2ID,
  type ThreadedHasher,
} from "../../src/auth/password-hasher.js";
import { ConfigError, loadConfig } from "../../src/config.js";

const opened: ThreadedHasher[] = [];
const hasher = (threads: number) => {
  const created = createArgon2idHasher(OWASP_ARGON2ID, threads);
  opened.push(created);
  return created;
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((created) => created.close()));
});

/** Nice value of every thread of this process (Linux: field 19 of /proc/self/task/N/stat). */
function threadNiceness(): number[] {
  return readdirSync("/proc/self/task").map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

describe("the argon2id hasher", () => {
  it("makes a PHC string with its parameters that verifies the password and nothing else", async () => {
    const argon2 = hasher(2);
    const phc = await argon2.hash("correct horse battery staple");
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await argon2.verify(phc, "correct horse battery staple")).toBe(true);
    expect(await argon2.verify(phc, "correct horse battery stapler")).toBe(false);
    // The same password again: a new salt, a different string.
    expect(await argon2.hash("correct horse battery staple")).not.toBe(phc);
  });

  it("answers false, not an error, for a stored hash that is malformed", async () => {
    expect(await hasher(1).verify("$argon2id$not-a-hash", "anything")).toBe(false);
  });

  it("hashes many passwords at once on few threads, each answer for its own password", async () => {
    const argon2 = hasher(2);
    const passwords = Array.from({ length: 8 }, (_, i) => `password number ${i}`);
    const hashes = await Promise.all(passwords.map((password) => argon2.hash(password)));
    const checks = await Promise.all(
      hashes.map((phc, i) => argon2.verify(phc, passwords[(i + 1) % passwords.length] as string)),
    );
    expect(checks).toEqual(passwords.map(() => false));
    expect(
      await Promise.all(hashes.map((phc, i) => argon2.verify(phc, passwords[i] as string))),
    ).toEqual(passwords.map(() => true));
  });

  it("hands each thread the next password while it hashes one, so it goes on while the event loop is busy", async () => {
    const argon2 = hasher(1);
    expect(argon2.capacity).toBe(2);
    await argon2.hash("warm-up");
    const began = performance.now();
    await argon2.hash("one hash, timed");
    const oneHashMs = performance.now() - began;
    // Two passwords for the single thread, then the event loop blocked long enough for both:
    // the second must already be done when the loop is free again, not only start then.
    const both = Promise.all([argon2.hash("first"), argon2.hash("second")]);
    const blockedUntil = performance.now() + 4 * oneHashMs + 100;
    while (performance.now() < blockedUntil) {
      // busy: no callback, no message, runs now
    }
    const unblocked = performance.now();
    await both;
    expect(performance.now() - unblocked).toBeLessThan(oneHashMs / 2);
  });

  it.runIf(process.platform === "linux")(
    "hashes on threads below the event loop's priority, and the event loop keeps its own",
    async () => {
      const before = threadNiceness();
      expect(before.every((nice) => nice === before[0])).toBe(true);
      const argon2 = hasher(2);
      await Promise.all([argon2.hash("one"), argon2.hash("two")]);
      const after = threadNiceness();
      // Two new threads, ten steps nicer than the rest; the others untouched.
      expect(after.filter((nice) => nice === (before[0] as number) + 10)).toHaveLength(2);
      expect(after.filter((nice) => nice === before[0]).length).toBeGreaterThanOrEqual(
        before.length,
      );
    },
  );

  it("fails the calls still waiting when closed, and refuses new ones", async () => {
    const argon2 = hasher(1);
    const calls = [argon2.hash("a"), argon2.hash("b"), argon2.hash("c")].map((call) =>
      call.then(
        () => "hashed",
        (error: Error) => error.message,
      ),
    );
    await argon2.close();
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((outcome) => outcome !== "hashed").length).toBeGreaterThanOrEqual(2);
    await expect(argon2.hash("d")).rejects.toThrow("closed");
  });
});

describe("argon2id parameters", () => {
  it("accepts OWASP's five settings and stronger ones, and nothing weaker", () => {
    for (const [memoryCost, timeCost] of [
      [47_104, 1],
      [19_456, 2],
      [12_288, 3],
      [9_216, 4],
      [7_168, 5],
      [65_536, 3],
    ] as const) {
      expect(meetsOwaspMinimum({ memoryCost, timeCost }), `m=${memoryCost} t=${timeCost}`).toBe(
        true,
      );
    }
    for (const [memoryCost, timeCost] of [
      [47_103, 1],
      [19_456, 1],
      [19_455, 2],
      [9_216, 3],
      [7_167, 100],
    ] as const) {
      expect(meetsOwaspMinimum({ memoryCost, timeCost }), `m=${memoryCost} t=${timeCost}`).toBe(
        false,
      );
    }
  });

  it("is configured by ARGON2_MEMORY_KIB and ARGON2_TIME_COST, OWASP's 19 MiB and two passes by default", () => {
    expect(loadConfig({}).hashing.params).toEqual(OWASP_ARGON2ID);
    expect(
      loadConfig({ ARGON2_MEMORY_KIB: "47104", ARGON2_TIME_COST: "1" }).hashing.params,
    ).toEqual({ memoryCost: 47_104, timeCost: 1, parallelism: 1 });
    const weaker = () => loadConfig({ ARGON2_MEMORY_KIB: "19456", ARGON2_TIME_COST: "1" });
    expect(weaker).toThrow(ConfigError);
    expect(weaker).toThrow(/ARGON2_MEMORY_KIB: with ARGON2_TIME_COST, weaker than every OWASP/);
  });

  it("tells whether a stored hash was made with the given parameters", async () => {
    const phc = await hasher(1).hash("correct horse battery staple");
    expect(isHashedWith(phc, OWASP_ARGON2ID)).toBe(true);
    expect(isHashedWith(phc, { ...OWASP_ARGON2ID, timeCost: 3 })).toBe(false);
    expect(isHashedWith(phc, { ...OWASP_ARGON2ID, memoryCost: 47_104 })).toBe(false);
    expect(isHashedWith(phc, { ...OWASP_ARGON2ID, parallelism: 2 })).toBe(false);
    expect(isHashedWith(phc.replace("argon2id", "argon2i"), OWASP_ARGON2ID)).toBe(false);
    expect(isHashedWith("not a hash", OWASP_ARGON2ID)).toBe(false);
  });
});
