// 100 concurrent sign-ups for one email address, in as many spellings of its case, on every
// test database: the unique index, not the fast pre-check, decides, so exactly one wins.
// Each request carries its own password, so that the stored credential can be traced to the
// one request that was answered 200.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../support/databases.js";
import { APP, createTestApp, readJson, type TestApp } from "../support/test-app.js";
import { freshEmail, integrityCounts, LOG_IN, NO_RATE_LIMITS, SIGN_UP, Watch } from "./support.js";

const RACERS = 100;

/** The address with each letter's case chosen by the bits of `n`. */
function spelling(email: string, n: number): string {
  let bit = 0;
  return [...email]
    .map((char) => {
      if (!/[a-z]/i.test(char)) return char;
      bit += 1;
      return (n >> (bit % 16)) & 1 ? char.toUpperCase() : char.toLowerCase();
    })
    .join("");
}

describe.each(DIALECTS)(`${RACERS} concurrent sign-ups for one email address on %s`, (dialect) => {
  let t: TestApp;
  let token: string;
  const watch = new Watch();
  watch.ledger.add(APP.sharedSecret);

  beforeAll(async () => {
    // Every racer passes the pre-check and hashes: the queue must hold them all, and the
    // per-account rate limit (which counts this one address) must not be what refuses them.
    t = await createTestApp(dialect, { ...NO_RATE_LIMITS, HASH_QUEUE_LIMIT: String(RACERS) });
    token = await t.appToken();
  });
  afterAll(async () => {
    watch.logs(`in-process app on ${dialect}`, t?.logs ?? []);
    await t?.close();
    watch.assertClean();
  });

  it("answers exactly one 200 and 99 x 409, stores one account, and its password is the winner's", async () => {
    const email = freshEmail("race");
    const spellings = Array.from({ length: RACERS }, (_, i) => spelling(email, i * 7919));
    expect(new Set(spellings).size, "the racers spell the address differently").toBeGreaterThan(50);
    const passwords = spellings.map((_, i) => `racer-${i}-password-${Date.now()}`);
    for (const password of passwords) watch.ledger.add(password);

    const responses = await Promise.all(
      spellings.map((emailAddress, i) =>
        t.call(SIGN_UP, {
          method: "POST",
          json: { account: { emailAddress }, password: passwords[i] },
          headers: { authorization: `Bearer ${token}` },
        }),
      ),
    );
    const statuses = await Promise.all(
      responses.map(async (response) => (await watch.response(response)).status),
    );
    const counts = statuses.reduce<Record<number, number>>((acc, status) => {
      acc[status] = (acc[status] ?? 0) + 1;
      return acc;
    }, {});
    expect(counts).toEqual({ 200: 1, 409: RACERS - 1 });
    for (const response of responses.filter((r) => r.status === 409)) {
      const answer = await readJson(response);
      expect(answer.errorCode).toBe("VALIDATION_CONFLICT");
      // The user name defaults to the address, so both unique keys collide; which one the
      // database reports first under a race is its choice (SQLite names the user name).
      expect(["account.emailAddress", "account.userName"]).toContain(
        answer.additionalErrorData[0]?.name,
      );
    }

    const stored = await t.db.kysely
      .selectFrom("accounts")
      .select(["id", "email_address"])
      .where("email_key", "=", email.toLowerCase())
      .execute();
    expect(stored).toHaveLength(1);
    const winner = statuses.indexOf(200);
    expect(stored[0]?.email_address).toBe(spellings[winner]);

    // The stored credential is the winner's: its password logs in, a loser's does not.
    const logIn = async (password: string | undefined) =>
      (
        await watch.response(
          await t.call(LOG_IN, {
            method: "POST",
            json: { username: email.toUpperCase(), password },
            headers: { authorization: `Bearer ${token}` },
          }),
        )
      ).status;
    expect(await logIn(passwords[winner])).toBe(200);
    expect(await logIn(passwords[(winner + 1) % RACERS])).toBe(401);

    // The 99 losers left nothing behind: no credential, child row or session without its account.
    const integrity = await integrityCounts({
      query: async (text: string) =>
        (await sql.raw(text).execute(t.db.kysely)).rows as Record<string, unknown>[],
    });
    expect(
      Object.values(integrity).every((n) => n === 0),
      JSON.stringify(integrity),
    ).toBe(true);
  }, 60_000);
});
