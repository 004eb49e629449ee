// What must never leave the server: secrets in its logs, stack traces or SQL in its error
// bodies. Shared by the reliability script and the tests, so that both judge alike.

/**
 * Shapes that are secret whoever's they are: a JWT (header and payload are base64url JSON,
 * so both start with "eyJ"), an argon2 PHC hash, a bcrypt hash. They catch a leak even of a
 * value no test handed over (a hash read from the database, a token minted internally).
 */
export const SECRET_SHAPES = [
  ["a JWT", /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/],
  ["an argon2 hash", /\$argon2(?:id|i|d)\$v=\d+\$/],
  ["a bcrypt hash", /\$2[aby]\$\d{2}\$[./A-Za-z0-9]{20,}/],
];

/** Secrets a run handed to or received from the server: none may show up in its output. */
export class SecretLedger {
  constructor() {
    this.values = new Set();
  }
  /**
   * Records one secret. Values too short or too repetitive to be told apart from ordinary
   * text ("aaaaaaaa", which generated passwords can be) are left out: a match would prove
   * nothing, and the secret shapes still catch every token and hash.
   */
  add(value) {
    if (typeof value === "string" && value.length >= 8 && new Set(value).size >= 4) {
      this.values.add(value);
    }
    return value;
  }
  /** Records the tokens of a CustomerAuthTicket or an OAuth answer, whatever is present. */
  addTokens(body) {
    if (!body || typeof body !== "object") return body;
    for (const key of [
      "accessToken",
      "refreshToken",
      "jwtAccessToken",
      "access_token",
      "refresh_token",
    ]) {
      this.add(body[key]);
    }
    return body;
  }
  /**
   * Every line (of `sources`: { name, lines }) that holds a recorded secret or a secret shape,
   * as { source, line, what }. `allow(line)` exempts lines shown on purpose (the banner that
   * prints a generated development secret once).
   */
  leaks(sources, allow = () => false) {
    const found = [];
    for (const { name, lines } of sources) {
      for (const line of lines) {
        if (allow(line)) continue;
        for (const [what, shape] of SECRET_SHAPES) {
          if (shape.test(line)) found.push({ source: name, line: line.slice(0, 300), what });
        }
        for (const secret of this.values) {
          if (line.includes(secret)) {
            found.push({ source: name, line: line.slice(0, 300), what: "a recorded secret" });
          }
        }
      }
    }
    return found;
  }
}

const STACK_TRACE = [
  /\n\s*at\s/, // a V8 stack frame on its own line
  /\bat\s+\S+\s+\([^)]*:\d+:\d+\)/, // "at fn (file:line:col)"
  /\.(?:ts|js|mjs|cjs):\d+/, // a source position
  /node_modules|node:internal/,
];
const SQL = [
  /\bselect\s+[\s\S]*?\bfrom\s/i,
  /\binsert\s+into\b/i,
  /\bupdate\s+"?\w+"?\s+set\b/i,
  /\bdelete\s+from\b/i,
  /\bSQLITE_[A-Z_]+/,
  /duplicate key/i,
  /violates\s+\w+\s+constraint/i,
  /syntax error at or near/i,
  /\brelation\s+"[^"]+"/i,
  /invalid byte sequence for encoding/i,
];

/** What an error body must not carry: answers a description for each problem found. */
export function errorBodyProblems(text) {
  const problems = [];
  for (const pattern of STACK_TRACE) {
    if (pattern.test(text)) problems.push(`a stack trace (${pattern}): ${text.slice(0, 200)}`);
  }
  for (const pattern of SQL) {
    if (pattern.test(text))
      problems.push(`SQL or a database message (${pattern}): ${text.slice(0, 200)}`);
  }
  return problems;
}
