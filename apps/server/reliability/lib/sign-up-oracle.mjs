// What the spec's prose predicts Add-Account-And-Login answers to a spec-valid body, shared by
// the fuzzing scenario of `npm run reliability` and its fast version in `npm test`. Uniqueness
// is judged by the server's own key function, handed in (from dist/ or from the sources).

/**
 * @param {{ uniquenessKey: (value: string) => string, caps: { access: number, refresh: number }, bodyLimit: number }} rules
 */
export function createSignUpOracle({ uniquenessKey, caps, bodyLimit }) {
  const emails = new Set();
  const userNames = new Set();

  /** The keys uniqueness compares: the email address and the user name (which defaults to it). */
  const keysOf = (body) => {
    const email = String(body.account.emailAddress).trim();
    return {
      email: uniquenessKey(email),
      userName: uniquenessKey(String(body.account.userName ?? email).trim()),
    };
  };

  /**
   * The expected answer, in the order the rules apply: the body limit, a user name blank once
   * trimmed, the password rules, the tenant's caps on token lifetimes, then uniqueness.
   * For 400 and 409, `fields` lists the names additionalErrorData may give (any one of them).
   */
  const predict = (body) => {
    if (Buffer.byteLength(JSON.stringify(body)) > bodyLimit) return { status: 413 };
    const email = String(body.account.emailAddress).trim();
    if (String(body.account.userName ?? email).trim() === "") {
      return { status: 400, fields: ["account.userName"] };
    }
    const password = body.password ?? undefined;
    const external = body.externalPassword ?? undefined;
    if (external !== undefined && (body.isImport !== true || password !== undefined)) {
      return { status: 400, fields: ["externalPassword"] };
    }
    if (external === undefined && password === undefined) {
      return { status: 400, fields: ["password"] };
    }
    const over = [
      ["authTicketTtlMinutes", body.authTicketTtlMinutes, caps.access],
      ["refreshTokenTtlMinutes", body.refreshTokenTtlMinutes, caps.refresh],
    ].filter(([, value, cap]) => typeof value === "number" && value > cap);
    if (over.length > 0) return { status: 400, fields: over.map(([name]) => name) };
    const keys = keysOf(body);
    const fields = [
      ...(emails.has(keys.email) ? ["account.emailAddress"] : []),
      ...(userNames.has(keys.userName) ? ["account.userName"] : []),
    ];
    return fields.length > 0 ? { status: 409, fields } : { status: 200 };
  };

  /** Records a body the server answered 200 for: its keys are taken from now on. */
  const taken = (body) => {
    const keys = keysOf(body);
    emails.add(keys.email);
    userNames.add(keys.userName);
  };

  return { keysOf, predict, taken };
}
