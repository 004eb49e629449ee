// The built server as operators run it: `node dist/index.js` in its own process, real ports,
// real databases, real signals. Every response is checked against openapi.yaml on the way in,
// and every line the processes write is searched for the secrets the tests handed them.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import http from "node:http";
import { connect, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from "jose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_URL } from "../support/databases.js";
import {
  builtServersIn,
  ensureBuilt,
  SERVER_DIR,
  SERVER_ENTRY,
  type ServerProcess,
  startServer,
  stopAllServers,
  untilServerHasRead,
} from "../support/server-process.js";
import { assertMatchesSpec, validatingFetch } from "../support/spec-validator.js";
import { type FreshPostgresDatabase, freshPostgresDatabase } from "./postgres-database.js";

const SIGN_UP = "/api/commerce/customer/accounts/Add-Account-And-Login";
const OAUTH = "/api/platform/applications/authtickets/oauth";
const checked = validatingFetch();

interface Credentials {
  clientId: string;
  sharedSecret: string;
}

interface Ticket {
  accessToken: string;
  refreshToken: string;
  jwtAccessToken: string;
  userId: string;
  customerAccount: { id: number; emailAddress: string };
}

/** Secrets a test handed to or received from a server; none may appear in its output. */
class Secrets {
  readonly values = new Set<string>();
  add<T extends string>(value: T): T {
    this.values.add(value);
    return value;
  }
  addTicket(ticket: Ticket): Ticket {
    for (const value of [ticket.accessToken, ticket.refreshToken, ticket.jwtAccessToken]) {
      this.add(value);
    }
    return ticket;
  }
}

async function appToken(server: ServerProcess, credentials: Credentials, secrets: Secrets) {
  const response = await checked(`${server.origin}${OAUTH}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_id: credentials.clientId,
      client_secret: credentials.sharedSecret,
      grant_type: "client_credentials",
    }),
  });
  expect(response.status, `${server.name}: oauth`).toBe(200);
  const body = (await response.json()) as { access_token: string; refresh_token: string };
  secrets.add(body.refresh_token);
  return secrets.add(body.access_token);
}

const shopper = (secrets: Secrets, emailAddress = `e2e.${randomUUID()}@example.com`) => ({
  account: { emailAddress, firstName: "Ada" },
  password: secrets.add(`pw-${randomUUID()}`),
});

const signUp = (server: ServerProcess, token: string, body: unknown) =>
  checked(`${server.origin}${SIGN_UP}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function signedUp(server: ServerProcess, token: string, body: unknown, secrets: Secrets) {
  const response = await signUp(server, token, body);
  expect(response.status, `${server.name}: sign-up`).toBe(200);
  return secrets.addTicket((await response.json()) as Ticket);
}

const json = (line: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** The development credentials a first start prints, or undefined when it printed none. */
function printedCredentials(server: { stdout: readonly string[] }): Credentials | undefined {
  const field = (label: string) =>
    server.stdout
      .map((line) => new RegExp(`^\\s*${label}:\\s+(\\S+)\\s*$`).exec(line)?.[1])
      .find(Boolean);
  const clientId = field("client id");
  const sharedSecret = field("shared secret");
  return clientId && sharedSecret ? { clientId, sharedSecret } : undefined;
}

/**
 * The banner line that shows the development secret. It is the one place a secret is printed
 * on purpose: the secret is generated at first start, only its hash is stored, and the banner is
 * the only way the developer can learn it. Any other appearance is a leak.
 */
const BANNER_SECRET_LINE = /^\s*shared secret:\s+\S+\s*$/;

function expectNoSecretsIn(servers: ServerProcess[], secrets: Secrets, allowBanner: boolean) {
  const lines = servers.flatMap((server) =>
    server.lines.map((line) => ({ server: server.name, line })),
  );
  expect(lines.length, "the processes wrote something").toBeGreaterThan(0);
  for (const secret of secrets.values) {
    const leaks = lines.filter(
      ({ line }) => line.includes(secret) && !(allowBanner && BANNER_SECRET_LINE.test(line)),
    );
    expect(leaks, "a secret appears in a process's output").toEqual([]);
  }
}

describe("the built server on a fresh SQLite file with no application configured", () => {
  const dir = builtServersIn();
  const started: ServerProcess[] = [];
  const secrets = new Secrets();
  let credentials: Credentials | undefined;
  let firstShopper: string | undefined;

  const start = async () => {
    const server = await startServer({
      databaseUrl: join(dir(), "kibo-auth.sqlite"),
      name: `sqlite start ${started.length + 1}`,
    });
    started.push(server);
    return server;
  };
  const devCredentials = () => {
    if (!credentials) throw new Error("the first start printed no credentials");
    return credentials;
  };

  it("prints a development client id and shared secret at first start, which sign a shopper up", async () => {
    const server = await start();
    await server.waitForLine((line) => BANNER_SECRET_LINE.test(line));
    credentials = printedCredentials(server);
    expect(credentials).toBeDefined();
    const { sharedSecret } = devCredentials();
    secrets.add(sharedSecret);
    expect(sharedSecret.length).toBeGreaterThanOrEqual(32);
    expect(server.lines.filter((line) => line.includes(sharedSecret))).toHaveLength(1);

    const token = await appToken(server, devCredentials(), secrets);
    const body = shopper(secrets);
    firstShopper = body.account.emailAddress;
    const ticket = await signedUp(server, token, body, secrets);
    expect(ticket.customerAccount.emailAddress).toBe(firstShopper);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });

  it("prints no new secret after a restart, and the same credentials and accounts are still there", async () => {
    const server = await start();
    expect(server.lines.join("\n")).not.toMatch(/secret|development application/i);
    expect(printedCredentials(server)).toBeUndefined();

    const token = await appToken(server, devCredentials(), secrets);
    await signedUp(server, token, shopper(secrets), secrets);
    // The shopper of the first start is still stored: the same address is refused.
    const again = await signUp(server, token, shopper(secrets, firstShopper?.toUpperCase()));
    expect(again.status).toBe(409);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
  });

  it("never writes a password, shared secret or token it handled, but for the first start's banner", () => {
    // 2 starts: the shared secret, 2 app tokens + 2 app refresh tokens, 3 passwords (one
    // refused), 2 tickets of 3 tokens each.
    expect(secrets.values.size).toBeGreaterThanOrEqual(1 + 4 + 3 + 6);
    expect(started).toHaveLength(2);
    const banner = started.flatMap((server) =>
      server.lines.filter((line) => BANNER_SECRET_LINE.test(line)),
    );
    expect(banner).toHaveLength(1);
    expectNoSecretsIn(started, secrets, true);
  });
});

describe("the built server stopped with SIGTERM", () => {
  const dir = builtServersIn();
  const app = { clientId: "storefront.e2e", sharedSecret: `shared-${randomUUID()}` };
  const secrets = new Secrets();
  secrets.add(app.sharedSecret);

  it("lets a sign-up in flight at SIGTERM finish with 200, refuses new connections, and exits 0", async () => {
    const server = await startServer({
      databaseUrl: join(dir(), "kibo-auth.sqlite"),
      env: { APP_CLIENT_ID: app.clientId, APP_SHARED_SECRET: app.sharedSecret },
      name: "sqlite, stopped",
    });
    const token = await appToken(server, app, secrets);
    const body = JSON.stringify(shopper(secrets));
    const half = Math.floor(body.length / 2);
    // node:http rather than fetch: the test needs the connection's own port, to see when the
    // server has read the first half. The answer is still checked against the spec below.
    // Keep-alive, as load balancers connect: the connection stays open after the answer.
    const agent = new http.Agent({ keepAlive: true });
    const request = http.request({
      host: "127.0.0.1",
      port: server.port,
      method: "POST",
      path: SIGN_UP,
      agent,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      },
    });
    const answered = new Promise<{ status: number; headers: Headers; text: string }>(
      (resolve, reject) => {
        request.once("error", reject);
        request.once("response", async (response) => {
          let text = "";
          for await (const chunk of response) text += String(chunk);
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === "string") headers.set(name, value);
          }
          resolve({ status: response.statusCode ?? 0, headers, text });
        });
      },
    );
    // Headers and half the body now, the rest after SIGTERM: the request is unfinished, and
    // already being handled, when the signal comes.
    request.write(body.slice(0, half));
    const [socket] = (await once(request, "socket")) as [Socket];
    if (socket.connecting) await once(socket, "connect");
    await untilServerHasRead(server, socket.localPort ?? 0);
    const exit = server.stop();
    await server.waitForLine((line) => json(line)?.msg === "stopping");

    await expect(
      fetch(`${server.origin}/healthz`),
      "a new connection after SIGTERM",
    ).rejects.toThrow();
    request.end(body.slice(half));
    const response = await answered;
    await assertMatchesSpec(
      "POST",
      `${server.origin}${SIGN_UP}`,
      new Response(response.text, { status: response.status, headers: response.headers }),
    );
    expect(response.status).toBe(200);
    secrets.addTicket(JSON.parse(response.text) as Ticket);
    // 0, not 1: the server's own forced stop after 10 s did not have to step in.
    expect(await exit).toEqual({ code: 0, signal: null });
    agent.destroy();
    const messages = server.logs().map((entry) => entry.msg);
    expect(messages.slice(messages.indexOf("stopping"))).toEqual([
      "stopping",
      "request",
      "stopped",
    ]);
  });
});

describe("the built server's idle keep-alive connections", () => {
  const dir = builtServersIn();

  /** Milliseconds from the answer to a keep-alive request until the server closes the socket. */
  async function idleLifetime(server: ServerProcess, giveUpAfterMs: number): Promise<number> {
    const socket = connect(server.port, "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n");
    await once(socket, "data");
    const answered = performance.now();
    const closed = once(socket, "close").then(() => performance.now() - answered);
    const gaveUp = sleep(giveUpAfterMs).then(() => Number.POSITIVE_INFINITY);
    const lifetime = await Promise.race([closed, gaveUp]);
    socket.destroy();
    return lifetime;
  }

  it("stay open as long as KEEP_ALIVE_TIMEOUT_SECONDS says, and by default past Node's 5 s", async () => {
    const [short, byDefault] = await Promise.all([
      startServer({
        databaseUrl: join(dir(), "short.sqlite"),
        env: { KEEP_ALIVE_TIMEOUT_SECONDS: "1" },
        name: "keep-alive 1 s",
      }),
      startServer({ databaseUrl: join(dir(), "default.sqlite"), name: "keep-alive default" }),
    ]);
    const [shortLifetime, defaultLifetime] = await Promise.all([
      idleLifetime(short, 6_000),
      idleLifetime(byDefault, 6_000),
    ]);
    expect(shortLifetime).toBeGreaterThan(900);
    expect(shortLifetime).toBeLessThan(3_000);
    // A load balancer that keeps idle connections for 60 s must not find this one closed.
    expect(defaultLifetime).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("the built server refusing to start", () => {
  const dir = builtServersIn();

  /** Runs the server to its exit (it must not start) and returns its status and stderr lines. */
  async function failedStart(env: Record<string, string>) {
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: SERVER_DIR,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const [code] = await once(child, "exit");
    clearTimeout(timer);
    return { code, lines: stderr.split("\n").filter(Boolean), stdout: stdout.split("\n") };
  }

  it("says in one line, with no stack trace, that its port is taken, and still shows the credentials it created", async () => {
    const holder = createServer().listen(0, "127.0.0.1");
    await once(holder, "listening");
    const { port } = holder.address() as { port: number };
    const databaseUrl = join(dir(), "port-taken.sqlite");
    let credentials: Credentials | undefined;
    try {
      const { code, lines, stdout } = await failedStart({
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: databaseUrl,
      });
      expect(code).toBe(1);
      expect(lines).toEqual([expect.stringMatching(/^start-up failed: .*EADDRINUSE/)]);
      expect(lines[0]).toContain(`127.0.0.1:${port}`);
      // The development application was created before the port was found taken, and only
      // this start can show its secret: it did.
      credentials = printedCredentials({ stdout });
    } finally {
      holder.close();
    }
    expect(credentials).toBeDefined();
    const server = await startServer({ databaseUrl, name: "after the port was taken" });
    try {
      expect(printedCredentials(server)).toBeUndefined();
      await appToken(server, credentials as Credentials, new Secrets());
    } finally {
      await server.stop();
    }
  });

  it("says in one line which setting is wrong", async () => {
    const { code, lines } = await failedStart({
      PORT: "eighty",
      DATABASE_URL: join(dir(), "bad-port.sqlite"),
    });
    expect(code).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^invalid configuration: PORT: /)]);
  });
});

describe.runIf(POSTGRES_URL)(
  "two server processes on one PostgreSQL database (runs when TEST_DATABASE_URL is set)",
  () => {
    const app = {
      clientId: "storefront.e2e",
      sharedSecret: `shared-${randomUUID()}`,
    };
    const databases: FreshPostgresDatabase[] = [];
    const started: ServerProcess[] = [];
    const secrets = new Secrets();
    secrets.add(app.sharedSecret);
    let a: ServerProcess;
    let b: ServerProcess;

    const fresh = async () => {
      const database = await freshPostgresDatabase(POSTGRES_URL ?? "");
      databases.push(database);
      return database;
    };
    /** Two processes spawned in the same tick, so that their start-ups overlap. */
    const startTogether = async (url: string, env: Record<string, string>, label: string) => {
      const pair = await Promise.all(
        ["A", "B"].map((name) => startServer({ databaseUrl: url, env, name: `${label} ${name}` })),
      );
      started.push(...pair);
      return pair as [ServerProcess, ServerProcess];
    };

    beforeAll(async () => {
      await ensureBuilt();
    }, 180_000);
    afterAll(async () => {
      await stopAllServers();
      await Promise.all(databases.map((database) => database.drop()));
    });

    it("start at the same moment on an empty database and record each migration once", async () => {
      const database = await fresh();
      [a, b] = await startTogether(
        database.url,
        {
          APP_CLIENT_ID: app.clientId,
          APP_SHARED_SECRET: app.sharedSecret,
          APP_BEHAVIORS: "customer-auth:configure-token-durations",
        },
        "pg",
      );
      for (const server of [a, b]) {
        const ready = await checked(`${server.origin}/readyz`);
        expect(ready.status, server.name).toBe(200);
        expect(server.logs().find((entry) => entry.msg === "listening")).toMatchObject({
          database: "postgres",
        });
      }
      const migrations = await database.query<{ name: string; n: string }>(
        "select name, count(*) as n from kysely_migration group by name",
      );
      expect(migrations.length).toBeGreaterThan(0);
      expect(migrations.filter((row) => Number(row.n) !== 1)).toEqual([]);
    });

    it("answer 409 through one for an email address signed up through the other in another case", async () => {
      const tokenA = await appToken(a, app, secrets);
      const tokenB = await appToken(b, app, secrets);
      const email = `Twin.${randomUUID()}@Example.com`;
      await signedUp(a, tokenA, shopper(secrets, email), secrets);
      const twin = await signUp(b, tokenB, shopper(secrets, email.toLowerCase()));
      expect(twin.status).toBe(409);
      expect(await twin.json()).toMatchObject({
        errorCode: "VALIDATION_CONFLICT",
        additionalErrorData: [{ name: "account.emailAddress" }],
      });
    });

    it("accept an application token issued by the other", async () => {
      for (const [issuer, verifier] of [
        [a, b],
        [b, a],
      ] as const) {
        const token = await appToken(issuer, app, secrets);
        const tenant = await checked(`${verifier.origin}/api/platform/tenants/1000`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(tenant.status, `${issuer.name}'s token at ${verifier.name}`).toBe(200);
        await signedUp(verifier, token, shopper(secrets), secrets);
      }
    });

    it("publish at /.well-known/jwks.json the key of a jwtAccessToken the other signed", async () => {
      for (const [issuer, verifier] of [
        [a, b],
        [b, a],
      ] as const) {
        const token = await appToken(issuer, app, secrets);
        const ticket = await signedUp(issuer, token, shopper(secrets), secrets);
        const jwks = (await (
          await checked(`${verifier.origin}/.well-known/jwks.json`)
        ).json()) as JSONWebKeySet;
        const { kid } = decodeProtectedHeader(ticket.jwtAccessToken);
        expect(
          jwks.keys.map((key) => key.kid),
          `${verifier.name} publishes the key ${issuer.name} signed with`,
        ).toContain(kid);
        const { payload } = await jwtVerify(ticket.jwtAccessToken, createLocalJWKSet(jwks), {
          issuer: "kibo-auth",
          audience: "kibo-auth:customer",
          algorithms: ["ES256"],
        });
        expect(payload.sub).toBe(ticket.userId);
      }
    });

    it("hold DATABASE_POOL_SIZE connections each at the most, and 10 without it", async () => {
      const database = await fresh();
      // Each server names its connections, so that PostgreSQL can count them apart.
      const named = (name: string) => {
        const url = new URL(database.url);
        url.searchParams.set("application_name", name);
        return url.toString();
      };
      const env = { APP_CLIENT_ID: app.clientId, APP_SHARED_SECRET: app.sharedSecret };
      const cases = [
        { name: "pool_two", env: { ...env, DATABASE_POOL_SIZE: "2" }, expected: 2 },
        { name: "pool_default", env, expected: 10 },
      ];
      const servers = await Promise.all(
        cases.map(async (one) => ({
          ...one,
          server: await startServer({
            databaseUrl: named(one.name),
            env: one.env,
            name: `pg ${one.name}`,
          }),
        })),
      );
      started.push(...servers.map(({ server }) => server));
      const connections = async () =>
        Object.fromEntries(
          (
            await database.query<{ application_name: string; n: string; waiting: string }>(
              `select application_name, count(*) as n,
                      count(*) filter (where wait_event_type = 'Lock') as waiting
                 from pg_stat_activity where datname = current_database() group by application_name`,
            )
          ).map((row) => [
            row.application_name,
            { n: Number(row.n), waiting: Number(row.waiting) },
          ]),
        );
      for (const { name, expected, server } of servers) {
        const token = await appToken(server, app, secrets);
        // The table held locked, every sign-up that has hashed waits inside its transaction on
        // a connection of its own, and those that find the pool full wait for one.
        const lock = new pg.Client({ connectionString: database.url });
        await lock.connect();
        await lock.query("begin");
        await lock.query("lock table accounts in exclusive mode");
        const signUps = Array.from({ length: 20 }, () => signUp(server, token, shopper(secrets)));
        const deadline = Date.now() + 10_000;
        while (((await connections())[name]?.waiting ?? 0) < expected && Date.now() < deadline) {
          await sleep(50);
        }
        await sleep(200); // time for a connection beyond the limit to show
        const held = (await connections())[name];
        await lock.query("commit");
        await lock.end();
        expect(held, name).toEqual({ n: expected, waiting: expected });
        const statuses = await Promise.all(signUps.map(async (answer) => (await answer).status));
        expect(statuses, name).toEqual(statuses.map(() => 200));
      }
    });

    it("print one development secret between them when started together with no application, valid on both", async () => {
      const database = await fresh();
      const pair = await startTogether(database.url, {}, "pg dev");
      for (const server of pair)
        await server.waitForLine((line) => json(line)?.msg === "listening");
      const printed = pair.map(printedCredentials).filter((found) => found !== undefined);
      expect(printed, "processes that printed a development secret").toHaveLength(1);
      const credentials = printed[0] as Credentials;
      secrets.add(credentials.sharedSecret);
      for (const server of pair) {
        const token = await appToken(server, credentials, secrets);
        await signedUp(server, token, shopper(secrets), secrets);
      }
    });

    it("never write a password, shared secret or token they handled, but for a creation banner", async () => {
      expect(started).toHaveLength(6);
      expect(secrets.values.size).toBeGreaterThan(20);
      const stopped = await Promise.all(started.map((server) => server.stop()));
      expect(stopped).toEqual(started.map(() => ({ code: 0, signal: null })));
      expectNoSecretsIn(started, secrets, true);
    });
  },
);
