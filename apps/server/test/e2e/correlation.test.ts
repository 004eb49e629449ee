// Over a real port, every answer carries exactly one x-vol-correlation: set on Node's own
// response (the in-process tests see the other path, Hono's context), echoed when the caller's
// is safe, made up otherwise, and the same id as the request's log line.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { builtServersIn, type ServerProcess, startServer } from "../support/server-process.js";

const APP = { clientId: "correlation.app", sharedSecret: "correlation-app-secret-0123" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("x-vol-correlation from the built server", () => {
  const dir = builtServersIn();
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      databaseUrl: join(dir(), "kibo-auth.sqlite"),
      env: { APP_CLIENT_ID: APP.clientId, APP_SHARED_SECRET: APP.sharedSecret },
      name: "correlation",
    });
  }, 180_000);

  /** The one x-vol-correlation of the answer (fetch joins repeated headers with ", "). */
  const correlationOf = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${server.origin}${path}`, init);
    await response.arrayBuffer();
    const value = response.headers.get("x-vol-correlation") ?? "";
    expect(value, `${path} answered ${response.status}`).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    return { status: response.status, value };
  };

  it("is on every kind of answer, once, and names the request's log line", async () => {
    const token = await fetch(`${server.origin}/api/platform/applications/authtickets/oauth`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_id: APP.clientId,
        client_secret: APP.sharedSecret,
        grant_type: "client_credentials",
      }),
    }).then(async (response) => ((await response.json()) as { access_token: string }).access_token);
    const answers = [
      await correlationOf("/healthz"),
      await correlationOf("/docs"),
      await correlationOf("/no/such/route"),
      await correlationOf("/api/commerce/customer/accounts/Add-Account-And-Login", {
        method: "PUT",
      }),
      await correlationOf("/api/platform/tenants/1000"),
      await correlationOf("/api/platform/tenants/1000", {
        headers: { authorization: `Bearer ${token}` },
      }),
      await correlationOf("/api/platform/tenants/zero", {
        headers: { authorization: `Bearer ${token}` },
      }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 404, 405, 401, 200, 400]);
    for (const { value } of answers) {
      expect(value).toMatch(UUID);
      await server.waitForLine((line) => line.includes(`"correlationId":"${value}"`));
    }
    expect(new Set(answers.map((answer) => answer.value)).size).toBe(answers.length);
  });

  it("echoes a safe id the caller sent, and replaces one that is not", async () => {
    const echoed = await correlationOf("/api/platform/tenants/1000", {
      headers: { "x-vol-correlation": "storefront.req-42" },
    });
    expect(echoed).toEqual({ status: 401, value: "storefront.req-42" });
    const replaced = await correlationOf("/healthz", {
      headers: { "x-vol-correlation": "two words" },
    });
    expect(replaced.value).toMatch(UUID);
  });
});
