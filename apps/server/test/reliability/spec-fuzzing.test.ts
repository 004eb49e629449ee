// Add-Account-And-Login fuzzed from openapi.yaml's own CustomerAccountAndAuthInfo schema, on
// every test database, in-process with real argon2id. Valid bodies (judged by Ajv on the same
// schema) must be answered 200, or with exactly the 4xx that a documented rule predicts for
// that body; invalid ones (a valid body broken in one place) with 400 naming the broken field.
// Every response is checked against the spec by `call`, and none may be a 5xx.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createRequestOracle,
  type InvalidBody,
  schemaArbitraries,
} from "../../reliability/lib/schema-arbitrary.mjs";
import { createSignUpOracle, type ExpectedAnswer } from "../../reliability/lib/sign-up-oracle.mjs";
import { uniquenessKey } from "../../src/accounts/accounts.service.js";
import { loadConfig } from "../../src/config.js";
import { DIALECTS } from "../support/databases.js";
import { loadSpec } from "../support/spec-validator.js";
import { countAccounts, createTestApp, type TestApp } from "../support/test-app.js";
import { NO_RATE_LIMITS, SIGN_UP, Watch } from "./support.js";

const REF = "#/components/schemas/CustomerAccountAndAuthInfo";
const spec = loadSpec();
const oracle = createRequestOracle(spec);
const { invalid } = schemaArbitraries(spec, REF);
// Half of the valid bodies as the schema allows them (the password rules then refuse many),
// half as a storefront sends them: with a password, without an imported hash.
const valid = () =>
  fc.oneof(
    schemaArbitraries(spec, REF).valid(),
    schemaArbitraries(spec, REF, { always: ["password"], never: ["externalPassword"] }).valid(),
  );
// Caps below the spec's maxima, so that the documented "above the tenant's cap" rule is met too.
const CAPS = { access: 1_400, refresh: 120_000 };
/** The test app's body limit: the server's default. */
const BODY_LIMIT = loadConfig({}).bodyLimitBytes;

// biome-ignore lint/suspicious/noExplicitAny: generated from the schema, read as the spec says
type Body = any;

const describeOutcome = (body: unknown, status: number, text: string) =>
  `status ${status} for ${JSON.stringify(body).slice(0, 600)}\nanswer: ${text.slice(0, 400)}`;

describe.each(DIALECTS)("Add-Account-And-Login fuzzed from the spec's schema on %s", (dialect) => {
  let t: TestApp;
  let token: string;
  const watch = new Watch();
  // What the spec's prose predicts for a valid body (shared with `npm run reliability`).
  const signUpRules = createSignUpOracle({ uniquenessKey, caps: CAPS, bodyLimit: BODY_LIMIT });
  const sent = { valid: 0, invalid: 0 };

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      ...NO_RATE_LIMITS,
      HASH_QUEUE_LIMIT: "1000",
      TENANT_MAX_ACCESS_TTL_MINUTES: String(CAPS.access),
      TENANT_MAX_REFRESH_TTL_MINUTES: String(CAPS.refresh),
    });
    token = await t.appToken();
  });
  afterAll(async () => {
    if (!t) return;
    watch.logs(`in-process app on ${dialect}`, t.logs);
    await t.close();
    watch.assertClean();
  });

  const signUp = async (body: unknown) => {
    watch.request(body);
    const response = await t.call(SIGN_UP, {
      method: "POST",
      json: body,
      headers: { authorization: `Bearer ${token}` },
    });
    await watch.response(response);
    return { status: response.status, text: await response.text() };
  };
  it("answers 1,000 spec-valid bodies with 200 or the documented 4xx their content calls for", async () => {
    const before = await countAccounts(t.db);
    let created = 0;
    // Four at a time, so that the hashing queue and the database see concurrent sign-ups.
    await fc.assert(
      fc.asyncProperty(fc.array(valid(), { minLength: 4, maxLength: 4 }), async (bodies) => {
        for (const body of bodies) {
          expect(oracle.validate(REF, body).errors, "the generator made a valid body").toEqual([]);
        }
        const expected = bodies.map((body) => signUpRules.predict(body));
        // Two bodies of one batch that share a key race: either may win, the other gets 409.
        const keys = bodies.map((body) => signUpRules.keysOf(body));
        const racing = keys.map((key, i) =>
          keys.some(
            (other, j) => j !== i && (other.email === key.email || other.userName === key.userName),
          ),
        );
        const answers = await Promise.all(bodies.map(signUp));
        sent.valid += bodies.length;
        answers.forEach(({ status, text }, i) => {
          const body: Body = bodies[i];
          const want = expected[i] as ExpectedAnswer;
          const context = describeOutcome(body, status, text);
          expect(status, context).toBeLessThan(500);
          if (racing[i] && want.status === 200) {
            expect([200, 409], context).toContain(status);
          } else {
            expect(status, context).toBe(want.status);
          }
          if (status === 400 || status === 409) {
            const names = (JSON.parse(text).additionalErrorData ?? []).map(
              (item: { name: string }) => item.name,
            );
            const fields = want.fields ?? ["account.emailAddress", "account.userName"];
            expect(
              names.some((name: string) => fields.includes(name)),
              `${context}\nexpected one of ${fields.join(", ")}`,
            ).toBe(true);
          }
          if (status === 200) {
            created += 1;
            const account = JSON.parse(text).customerAccount;
            expect(account.emailAddress, context).toBe(String(body.account.emailAddress).trim());
            signUpRules.taken(body);
          }
        });
      }),
      { numRuns: 250 },
    );
    expect(sent.valid).toBeGreaterThanOrEqual(1000);
    // Exactly the accounts answered 200 were stored: a refusal leaves nothing behind.
    expect(await countAccounts(t.db)).toBe(before + created);
  }, 180_000);

  it("answers 1,000 bodies broken in one place with 400 naming the broken field", async () => {
    const before = await countAccounts(t.db);
    const mutations = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(invalid(), async ({ body, mutation, path }: InvalidBody) => {
        expect(oracle.validate(REF, body).ok, `the generator broke the body: ${mutation}`).toBe(
          false,
        );
        const { status, text } = await signUp(body);
        sent.invalid += 1;
        const kind = mutation.replace(/ -?\d+$/, "");
        mutations.set(kind, (mutations.get(kind) ?? 0) + 1);
        const context = `${mutation} at ${path}: ${describeOutcome(body, status, text)}`;
        if (Buffer.byteLength(JSON.stringify(body)) > BODY_LIMIT) {
          expect(status, context).toBe(413);
          return;
        }
        expect(status, context).toBe(400);
        const answer = JSON.parse(text);
        expect(answer.errorCode, context).toBe("MISSING_OR_INVALID_PARAMETER");
        const names = (answer.additionalErrorData ?? []).map((item: { name: string }) => item.name);
        expect(names, context).toContain(path);
      }),
      { numRuns: 1000 },
    );
    expect(sent.invalid).toBeGreaterThanOrEqual(1000);
    // Every kind of mutation was tried, the rare ones (a pattern, maxItems) included.
    for (const kind of [
      "wrong type: a string",
      "wrong type: null",
      "longer than maxLength",
      "shorter than minLength",
      "not an email address",
      "not a date-time",
      "not matching the pattern",
      "above maximum",
      "beyond int32",
      "more than maxItems",
      "required property missing",
    ]) {
      expect(mutations.get(kind) ?? 0, `mutations of kind "${kind}"`).toBeGreaterThan(0);
    }
    expect(await countAccounts(t.db)).toBe(before);
  }, 120_000);
});

describe("where the server and the spec's formats disagree", () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp("sqlite", NO_RATE_LIMITS);
    token = await t.appToken();
  });
  afterAll(() => t?.close());

  const statusFor = async (account: Record<string, unknown>) =>
    (
      await t.call(SIGN_UP, {
        method: "POST",
        json: { account, password: "correct-horse-battery" },
        headers: { authorization: `Bearer ${token}` },
      })
    ).status;

  // The spec says `format: email`: addresses that Ajv (the spec's judge here and in every
  // client that validates against openapi.yaml) accepts must not be refused as invalid.
  it("accepts exactly the email addresses the spec accepts", async () => {
    const unique = Date.now().toString(36);
    const candidates = [
      `plain.${unique}@example.com`,
      `o'brien+tag.${unique}@sub.example.co.uk`,
      `first!last.${unique}@example.com`,
      `a#b.${unique}@example.com`,
      `curly{brace}.${unique}@example.com`,
      `single.${unique}@example.c`,
      `digits.${unique}@example.c1`,
      `dots..${unique}@example.com`,
      `host.${unique}@-example.com`,
    ];
    const disagreements = [];
    for (const email of candidates) {
      const specAccepts = oracle.validate("#/components/schemas/CustomerAccount", {
        emailAddress: email,
      }).ok;
      const status = await statusFor({ emailAddress: email });
      if (specAccepts !== (status === 200))
        disagreements.push(`${email}: spec ${specAccepts}, server ${status}`);
    }
    expect(disagreements, "addresses the spec and the server judge differently").toEqual([]);
  });

  // The server-set dates a client may echo back: the server ignores their values, but must
  // accept and refuse exactly the spellings the spec does.
  it("accepts exactly the date-times the spec accepts", async () => {
    const candidates = [
      "2026-11-27T18:00:00Z",
      "2026-11-27T18:00:00.123+01:00",
      "2026-11-27t18:00:00z",
      "2016-12-31T23:59:60Z",
      "2026-11-27 18:00:00Z",
      "2026-11-27T18:00:00+0100",
      "2026-13-27T18:00:00Z",
    ];
    const disagreements = [];
    for (const date of candidates) {
      const specAccepts = oracle.validate("#/components/schemas/CustomerAccount", {
        emailAddress: "a@example.com",
        customerSinceDate: date,
      }).ok;
      const status = await statusFor({
        emailAddress: `date.${Math.random()}@example.com`,
        customerSinceDate: date,
      });
      if (specAccepts !== (status === 200))
        disagreements.push(`${date}: spec ${specAccepts}, server ${status}`);
    }
    expect(disagreements, "date-times the spec and the server judge differently").toEqual([]);
  });
});
