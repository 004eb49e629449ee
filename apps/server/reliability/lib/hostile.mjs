// The named catalogue of hostile input, shared by the tests (in-process and over a socket) and
// the reliability script (against the built server). Each entry says what it sends and which
// statuses are right for it; the runner adds the rest of the contract: Kibo's error shape,
// the spec, no stack trace, no SQL, an answer within a time limit. The entries that abuse
// tokens change exactly one thing of a genuine application token, and a control entry (the
// same claims, re-signed unchanged) must be accepted, so that each 401 is owed to that one
// change and not to a minting mistake.
import { Buffer } from "node:buffer";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { SIGN_UP } from "./requests.mjs";

export const PASSWORD = "correct-horse-battery-staple";

const json = (value) => JSON.stringify(value);
const nested = (depth, leaf = "1") => `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`;

/**
 * Bodies sent to Add-Account-And-Login with a valid application token. `email` is the
 * account the entry would create, so that a runner can check that a refused body stored
 * nothing (`stored: false`) or that an accepted one stored exactly what was sent (`readBack`).
 */
export function bodyCatalogue({ freshEmail, bodyLimitBytes = 64 * 1024 }) {
  const entries = [];
  const add = (entry) => entries.push({ contentType: "application/json", stored: false, ...entry });
  const signUp = (account = {}, extra = {}) => {
    const email = freshEmail();
    return {
      email,
      body: { account: { emailAddress: email, ...account }, password: PASSWORD, ...extra },
    };
  };

  {
    const { email, body } = signUp({ firstName: "" });
    const text = json(body);
    // Pad firstName so that the body is exactly one byte over the limit.
    const padded = text.replace(
      '"firstName":""',
      `"firstName":"${"x".repeat(bodyLimitBytes + 1 - Buffer.byteLength(text))}"`,
    );
    add({ name: "a body one byte over the limit", email, body: padded, expect: [413] });
  }
  {
    const { email, body } = signUp({ firstName: "m".repeat(1024 * 1024) });
    add({
      name: "a megabyte string (over the body limit)",
      email,
      body: json(body),
      expect: [413],
    });
  }
  {
    const { email, body } = signUp({ firstName: "m".repeat(1024 * 1024) });
    add({
      name: "a megabyte string under a body limit that lets it through",
      email,
      body: json(body),
      expect: [400],
      field: "account.firstName",
      needsBodyLimit: 2 * 1024 * 1024,
    });
  }
  {
    const { email, body } = signUp({}, { password: "p".repeat(1024 * 1024) });
    add({
      name: "a megabyte password under a body limit that lets it through",
      email,
      body: json(body),
      expect: [400],
      field: "password",
      needsBodyLimit: 2 * 1024 * 1024,
    });
  }
  {
    const email = freshEmail();
    // 10,000 levels fit in 20 KB: well under the body limit, far over any sane depth.
    const text = `{"account":{"emailAddress":"${email}","attributes":[{"fullyQualifiedName":"tenant~deep","values":[${nested(10_000)}]}]},"password":"${PASSWORD}"}`;
    add({
      name: "deeply nested JSON (10,000 levels) in an attribute's values",
      email,
      body: text,
      expect: [400, 413],
    });
  }
  add({
    name: "deeply nested JSON (10,000 levels) as the whole body",
    email: undefined,
    body: nested(10_000),
    expect: [400, 413],
  });
  {
    const email = freshEmail();
    const text = `{"account":{"emailAddress":"${email}","contacts":[${'{"address":'.repeat(5000)}{}${"}".repeat(5000)}]},"password":"${PASSWORD}"}`;
    // Address has no "address" property: the nesting is an unknown key, which the schema lets
    // through and the server drops, so 200 is right as long as nothing breaks on the way.
    add({
      name: "deeply nested objects (5,000 levels) in a contact",
      email,
      body: text,
      expect: [200, 400, 413],
    });
  }
  {
    const email = freshEmail();
    const head = Buffer.from(`{"account":{"emailAddress":"${email}","firstName":"Ad`);
    const tail = Buffer.from(`a"},"password":"${PASSWORD}"}`);
    add({
      name: "invalid UTF-8 in a name (a lone 0xFF byte)",
      email,
      body: Buffer.concat([head, Buffer.from([0xff]), tail]),
      expect: [400],
    });
  }
  {
    const email = freshEmail();
    const head = Buffer.from(`{"account":{"emailAddress":"${email}"},"password":"p`);
    const tail = Buffer.from(`ssword-with-latin-1"}`);
    // "pässword" in Latin-1: decoded leniently, it would become U+FFFD, the same as any other
    // stray byte, so two different passwords would be stored as one.
    add({
      name: "invalid UTF-8 in the password (Latin-1 0xE4)",
      email,
      body: Buffer.concat([head, Buffer.from([0xe4]), tail]),
      expect: [400],
    });
  }
  {
    const email = freshEmail();
    const head = Buffer.from(`{"account":{"emailAddress":"${email}","lastName":"`);
    const tail = Buffer.from(`etc"},"password":"${PASSWORD}"}`);
    add({
      name: "an overlong UTF-8 encoding of '/' (0xC0 0xAF)",
      email,
      body: Buffer.concat([head, Buffer.from([0xc0, 0xaf]), tail]),
      expect: [400],
    });
  }
  {
    const { email, body } = signUp({ firstName: "Ada\u0000Lovelace" });
    // The spec allows any string of up to 100 characters: storing it exactly, or refusing it
    // with 400, are both honest; a 500, or storing "Ada", is not.
    add({
      name: "a NUL character (\\u0000) in a name",
      email,
      body: json(body),
      expect: [200, 400],
      readBack: { field: "firstName", value: "Ada\u0000Lovelace" },
    });
  }
  {
    const { email, body } = signUp({ contacts: [{ firstName: "Nul\u0000", label: "home\u0000" }] });
    add({ name: "NUL characters in a contact", email, body: json(body), expect: [200, 400] });
  }
  {
    const { email, body } = signUp({}, { fingerprint: "device\u0000id", region: "eu\u0000west" });
    add({
      name: "NUL characters in the device fingerprint and region",
      email,
      body: json(body),
      expect: [200, 400],
    });
  }
  {
    const email = freshEmail();
    const text = `{"account":{"emailAddress":"${email}","firstName":"Ada\u0000"},"password":"${PASSWORD}"}`;
    add({
      name: "a raw NUL byte inside a JSON string (invalid JSON)",
      email,
      body: text,
      expect: [400],
    });
  }
  {
    const email = freshEmail();
    const text = `{"__proto__":{"polluted":"yes","isAdmin":true},"account":{"emailAddress":"${email}","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}},"password":"${PASSWORD}"}`;
    add({
      name: "__proto__ and constructor.prototype keys",
      email,
      body: text,
      expect: [200, 400],
      pollution: true,
    });
  }
  {
    const email = freshEmail();
    const text = `{"account":{"emailAddress":"${email}","contacts":[{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"firstName":"Ada"}],"attributes":[{"fullyQualifiedName":"tenant~x","values":[{"__proto__":{"polluted":"yes"}}]}]},"password":"${PASSWORD}"}`;
    add({
      name: "__proto__ keys in stored contacts and attribute values",
      email,
      body: text,
      expect: [200, 400],
      pollution: true,
    });
  }
  for (const [label, account, extra, field] of [
    ["authTicketTtlMinutes 2^31", {}, { authTicketTtlMinutes: 2 ** 31 }, "authTicketTtlMinutes"],
    ["account.id 2^31 (int32 + 1)", { id: 2 ** 31 }, {}, "account.id"],
    [
      "a contact id below int32",
      { contacts: [{ id: -(2 ** 31) - 1 }] },
      {},
      "account.contacts.0.id",
    ],
    ["account.id 2^53 + 1", { id: "__BIG__" }, {}, "account.id"],
    [
      "a fractional refreshTokenTtlMinutes",
      {},
      { refreshTokenTtlMinutes: 60.5 },
      "refreshTokenTtlMinutes",
    ],
    ["an integer sent as a string", {}, { authTicketTtlMinutes: "60" }, "authTicketTtlMinutes"],
  ]) {
    const { email, body } = signUp(account, extra);
    // 2^53 + 1 has no exact double: it is written into the text as digits.
    const text = json(body).replace('"__BIG__"', "9007199254740993");
    add({ name: `a number beyond its range: ${label}`, email, body: text, expect: [400], field });
  }
  {
    const email = freshEmail();
    const text = `{"account":{"emailAddress":"${email}","id":1e400},"password":"${PASSWORD}"}`;
    add({
      name: "a number beyond any double (1e400)",
      email,
      body: text,
      expect: [400],
      field: "account.id",
    });
  }
  {
    const email = freshEmail();
    const text = `{"account":{"emailAddress":"${email}","emailAddress":"not-an-email"},"password":"${PASSWORD}"}`;
    add({
      name: "duplicate keys, the last one invalid",
      email,
      body: text,
      expect: [400],
      field: "account.emailAddress",
    });
  }
  {
    const email = freshEmail();
    const text = `{"account":{"emailAddress":"not-an-email","emailAddress":"${email}"},"password":"short","password":"${PASSWORD}"}`;
    // Judged as JSON.parse reads it (the last occurrence wins), never by the first one that a
    // filter in front of the server might have looked at.
    add({
      name: "duplicate keys, the last ones valid",
      email,
      body: text,
      expect: [200],
      stored: true,
    });
  }
  for (const [label, contentType, expect] of [
    ["text/plain", "text/plain", [415]],
    ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded", [415]],
    ["multipart/form-data", "multipart/form-data; boundary=x", [415]],
    ["no content type at all", null, [415]],
    ["application/xml", "application/xml", [415]],
  ]) {
    const { email, body } = signUp();
    add({ name: `a wrong content type: ${label}`, email, body: json(body), contentType, expect });
  }
  {
    const { email, body } = signUp();
    add({
      name: "UTF-16 bytes labelled application/json; charset=utf-16",
      email,
      body: Buffer.from(`\ufeff${json(body)}`, "utf16le"),
      contentType: "application/json; charset=utf-16",
      expect: [400, 415],
    });
  }
  add({ name: "an empty body", email: undefined, body: "", expect: [400] });
  add({
    name: "an empty body without a content type",
    email: undefined,
    body: "",
    contentType: null,
    expect: [400, 415],
  });
  for (const literal of ["null", "[]", '"a string"', "42", "true"]) {
    add({ name: `a JSON ${literal} as the body`, email: undefined, body: literal, expect: [400] });
  }
  {
    const email = freshEmail();
    add({
      name: "truncated JSON",
      email,
      body: `{"account":{"emailAddress":"${email}"`,
      expect: [400],
    });
  }
  {
    const { email, body } = signUp();
    add({
      name: "trailing garbage after the JSON",
      email,
      body: `${json(body)}}{"x":1}`,
      expect: [400],
    });
  }
  return entries;
}

const base64url = (value) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/**
 * Authorization headers to try on an application-token operation. `validToken` is a genuine
 * application token; `privateKey` (a jose key) and its `kid` are the server's signing key, so
 * that claims can be changed one at a time under a valid signature; `publicJwk` is what the
 * server publishes at /.well-known/jwks.json. `shopper` holds a shopper's own tokens.
 */
export async function tokenCatalogue({ validToken, privateKey, kid, publicJwk, shopper }) {
  const claims = decodeJwt(validToken);
  const header = decodeProtectedHeader(validToken);
  // The server's clock, as the genuine token states it (a test's clock may not be the wall's).
  const now = typeof claims.iat === "number" ? claims.iat : Math.floor(Date.now() / 1000);
  const sign = (payload, protectedHeader = { alg: "ES256", kid, typ: "JWT" }, key = privateKey) =>
    new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key);
  const { privateKey: strangerKey } = await generateKeyPair("ES256");
  const publicKeyBytes = new TextEncoder().encode(JSON.stringify(publicJwk));
  const [head, body, signature = ""] = validToken.split(".");
  // A character in the middle carries six bits of the signature (the last one partly padding),
  // and the replacement always differs from it.
  const flipped = `${signature.slice(0, 10)}${signature[10] === "A" ? "B" : "A"}${signature.slice(11)}`;
  const without = (name) =>
    Object.fromEntries(Object.entries(claims).filter(([key]) => key !== name));

  const entries = [
    {
      name: "control: the genuine application token",
      authorization: `Bearer ${validToken}`,
      control: true,
    },
    {
      name: "control: the same claims re-signed unchanged",
      authorization: `Bearer ${await sign(claims, header)}`,
      control: true,
    },
    {
      name: 'alg "none" with no signature',
      authorization: `Bearer ${base64url({ alg: "none", kid, typ: "JWT" })}.${base64url(claims)}.`,
    },
    {
      name: 'alg "none" keeping the original signature',
      authorization: `Bearer ${base64url({ alg: "none", kid, typ: "JWT" })}.${body}.${signature}`,
    },
    {
      name: "HS256 signed with the published public key",
      authorization: `Bearer ${await sign(claims, { alg: "HS256", kid, typ: "JWT" }, publicKeyBytes)}`,
    },
    {
      name: "ES256 signed by another key under the server's kid",
      authorization: `Bearer ${await sign(claims, header, strangerKey)}`,
    },
    {
      name: "an unknown kid",
      authorization: `Bearer ${await sign(claims, { ...header, kid: "no-such-key" })}`,
    },
    {
      name: "expired a minute ago",
      authorization: `Bearer ${await sign({ ...claims, iat: now - 3600, exp: now - 60 })}`,
    },
    {
      name: "not valid before an hour from now (nbf)",
      authorization: `Bearer ${await sign({ ...claims, nbf: now + 3600 })}`,
    },
    {
      name: "a wrong issuer",
      authorization: `Bearer ${await sign({ ...claims, iss: "someone-else" })}`,
    },
    {
      name: "a wrong audience",
      authorization: `Bearer ${await sign({ ...claims, aud: "another-service" })}`,
    },
    {
      name: "the shopper audience with application claims",
      authorization: `Bearer ${await sign({ ...claims, aud: "kibo-auth:customer" })}`,
    },
    { name: "no expiry claim", authorization: `Bearer ${await sign(without("exp"))}` },
    { name: "no tenant claim", authorization: `Bearer ${await sign(without("tenant"))}` },
    {
      name: "a tenant claim that is a string",
      authorization: `Bearer ${await sign({ ...claims, tenant: String(claims.tenant) })}`,
    },
    { name: "a truncated token", authorization: `Bearer ${validToken.slice(0, -12)}` },
    { name: "header and payload only", authorization: `Bearer ${head}.${body}` },
    {
      name: "a signature with one character changed",
      authorization: `Bearer ${head}.${body}.${flipped}`,
    },
    {
      name: "a payload that is not JSON",
      authorization: `Bearer ${head}.${base64url("not json")}.${signature}`,
    },
    // In-process there is no header limit (401); over a socket, Node refuses headers over
    // 16 KiB before any route runs (400, in Kibo's shape).
    {
      name: "a 100 KB token",
      authorization: `Bearer ${"A".repeat(100 * 1024)}`,
      expect: [401, 400],
    },
    { name: "Bearer with nothing after it", authorization: "Bearer " },
    {
      name: "Basic credentials",
      authorization: `Basic ${Buffer.from("client:secret").toString("base64")}`,
    },
    { name: "no Authorization header", authorization: undefined },
  ];
  if (shopper) {
    entries.push(
      {
        name: "a shopper's jwtAccessToken instead of an application token",
        authorization: `Bearer ${shopper.jwtAccessToken}`,
      },
      {
        name: "a shopper's opaque accessToken instead of an application token",
        authorization: `Bearer ${shopper.accessToken}`,
      },
    );
  }
  return entries.map((entry) => ({
    control: false,
    ...entry,
    expect: entry.expect ?? (entry.control ? [200] : [401]),
  }));
}

/** A sign-up's request line and headers, up to the blank line before its body. */
const head = (headers) =>
  [
    `POST ${SIGN_UP} HTTP/1.1`,
    "host: 127.0.0.1",
    "content-type: application/json",
    "connection: close",
    ...headers,
    "",
    "",
  ].join("\r\n");

/**
 * Requests as raw bytes for a socket, for what only a socket carries: headers over Node's 16 KiB
 * limit, a body that is not UTF-8 (sent with a correct Content-Length), and bodies judged by
 * the size limit both ways a client can frame them (a stated length, or chunks counted as they
 * arrive). `bodyLimitBytes` is the server's limit.
 */
export function rawCatalogue({ authorization, freshEmail, bodyLimitBytes }) {
  const request = (headers, body = Buffer.alloc(0)) =>
    Buffer.concat([Buffer.from(head([`content-length: ${body.length}`, ...headers])), body]);
  // The body in 1 KiB chunks, as a client streaming it would send it.
  const chunked = (headers, body) => {
    const chunks = [];
    for (let at = 0; at < body.length; at += 1024) {
      const chunk = body.subarray(at, at + 1024);
      chunks.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
    }
    return Buffer.concat([
      Buffer.from(head(["transfer-encoding: chunked", ...headers])),
      ...chunks,
      Buffer.from("0\r\n\r\n"),
    ]);
  };
  // A valid sign-up padded with trailing white space (valid JSON) to exactly `size` bytes.
  const sized = (email, size) => {
    const text = json({ account: { emailAddress: email }, password: PASSWORD });
    return Buffer.from(text.padEnd(size, " "));
  };
  const valid = (email) =>
    Buffer.from(json({ account: { emailAddress: email }, password: PASSWORD }));
  const notUtf8 = (email) =>
    Buffer.concat([
      Buffer.from(`{"account":{"emailAddress":"${email}","firstName":"`),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe]),
      Buffer.from(`"},"password":"${PASSWORD}"}`),
    ]);
  const email1 = freshEmail();
  const email2 = freshEmail();
  const email3 = freshEmail();
  const [email4, email5, email6] = [freshEmail(), freshEmail(), freshEmail()];
  return [
    {
      name: "a 64 KiB header (over the 16 KiB limit)",
      email: email1,
      bytes: request(
        [`authorization: ${authorization}`, `x-padding: ${"p".repeat(64 * 1024)}`],
        valid(email1),
      ),
      expect: [400, 431],
    },
    {
      name: "a 20 KiB Authorization header",
      email: email2,
      bytes: request([`authorization: Bearer ${"A".repeat(20 * 1024)}`], valid(email2)),
      expect: [400, 431],
    },
    {
      name: "a body of bytes that are not UTF-8",
      email: email3,
      bytes: request([`authorization: ${authorization}`], notUtf8(email3)),
      expect: [400],
    },
    {
      name: "a body one byte over the limit, its length stated",
      email: email4,
      bytes: request([`authorization: ${authorization}`], sized(email4, bodyLimitBytes + 1)),
      expect: [413],
    },
    {
      name: "a chunked body one byte over the limit",
      email: email5,
      bytes: chunked([`authorization: ${authorization}`], sized(email5, bodyLimitBytes + 1)),
      expect: [413],
    },
    {
      name: "a chunked body exactly at the limit",
      email: email6,
      bytes: chunked([`authorization: ${authorization}`], sized(email6, bodyLimitBytes)),
      expect: [200],
    },
    {
      name: "a request line that is not HTTP",
      email: undefined,
      bytes: Buffer.from("HELLO / NOTHTTP\r\n\r\n"),
      expect: [400],
    },
  ];
}

/**
 * Sign-ups whose client hangs up before the whole body has arrived, for a stated length and for
 * a chunked body: 20 bytes of the body are sent, then the connection goes. Nobody receives an
 * answer, so a runner reads the server's log line for `correlationId`: it must say 400 (the
 * client's fault, not a database outage), and `email` must not be stored.
 */
export function cutShortCatalogue({ authorization, freshEmail, correlationId }) {
  return [
    [
      "a stated length",
      (body) => `content-length: ${Buffer.byteLength(body)}`,
      (body) => body.slice(0, 20),
    ],
    ["chunked", () => "transfer-encoding: chunked", (body) => `14\r\n${body.slice(0, 20)}\r\n`],
  ].map(([framing, header, partial], index) => {
    const email = freshEmail();
    const id = `${correlationId}-${index}`;
    const body = json({ account: { emailAddress: email }, password: PASSWORD });
    return {
      name: `a body cut short (${framing})`,
      email,
      correlationId: id,
      bytes: Buffer.from(
        head([`authorization: ${authorization}`, `x-vol-correlation: ${id}`, header(body)]) +
          partial(body),
      ),
    };
  });
}
