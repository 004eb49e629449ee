// Kibo's own SDKs, unchanged, against the built server on a real port:
// - the current REST SDK (@kibocommerce/rest-sdk 3.x): the OAuth exchange, the tenant lookup,
//   then customer calls with Authorization: Bearer;
// - the older Node SDK (mozu-node-sdk 2.x): the application ticket at authtickets/, the
//   ticket's token in x-vol-app-claims, and refresh-ticket once the ticket has expired.
// The REST SDK always speaks HTTPS to hosts it names itself (the auth host, then the tenant's
// domain, or its t{tenant}-s{site} host when it has none), so its fetch sends every request to
// this server, as DNS and a TLS-terminating proxy would in a deployment; each answer it gets is
// checked against openapi.yaml. The older SDK is given the server's http:// URL.

import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Configuration } from "@kibocommerce/rest-sdk";
import {
  CustomerAccountApi,
  StorefrontAuthTicketApi,
} from "@kibocommerce/rest-sdk/clients/Customer/index.js";
import { beforeAll, describe, expect, it } from "vitest";
import { builtServersIn, type ServerProcess, startServer } from "../support/server-process.js";
import { validatingFetch } from "../support/spec-validator.js";

const TENANT_ID = 1000;
const SITE_ID = 2000;
const APP_TOKEN_TTL_SECONDS = 3; // short, so that the older SDK's ticket expires within a test
const app = { clientId: "storefront.kibo-sdks", sharedSecret: `shared-${randomUUID()}` };
const SIGN_UP = "/api/commerce/customer/accounts/Add-Account-And-Login";

const shopper = (emailAddress = `sdk.${randomUUID()}@example.com`) => ({
  account: { emailAddress, firstName: "Ada", lastName: "Lovelace" },
  password: `pw-${randomUUID()}`,
});

/** The slice of mozu-node-sdk these tests use (it ships no types). */
interface OlderSdkTicket {
  accessToken: string;
  refreshToken: string;
  jwtAccessToken: string;
  customerAccount: { id: number; emailAddress: string };
}
interface OlderSdkClient {
  commerce(): {
    customer(): {
      customerAccount(): { addAccountAndLogin(body: unknown): Promise<OlderSdkTicket> };
      customerAuthTicket(): {
        createUserAuthTicket(body: unknown): Promise<OlderSdkTicket>;
        refreshUserAuthTicket(parameters: { refreshToken: string }): Promise<OlderSdkTicket>;
      };
    };
  };
}
const olderSdk = createRequire(import.meta.url)("mozu-node-sdk") as {
  client(context: Record<string, unknown>): OlderSdkClient;
};

/**
 * The REST SDK's configuration for one application, with a fetch that sends every request it
 * makes to `origin` (checked against openapi.yaml) and records the URL the SDK named.
 */
function restSdkConfiguration(
  origin: () => string,
  credentials: { tenantId: number; siteId: number; clientId: string; sharedSecret: string },
  requested: string[],
): Configuration {
  const validate = validatingFetch();
  const fetchApi = (url: string | URL | Request, init?: RequestInit) => {
    const named = new URL(String(url));
    requested.push(`${named.protocol}//${named.host}${named.pathname}`);
    return validate(`${origin()}${named.pathname}${named.search}`, init);
  };
  return new Configuration({
    ...credentials,
    authHost: "home.example.test",
    fetchApi: fetchApi as typeof fetch,
  });
}

describe("Kibo's own SDKs against the built server (SQLite)", () => {
  const dir = builtServersIn();
  let server: ServerProcess;
  /** The API requests the server answered, as its log lines name them. */
  const served = () =>
    server
      .logs()
      .filter((entry) => entry.msg === "request" && String(entry.route).startsWith("/api/"))
      .map((entry) => `${entry.method} ${entry.route} ${entry.status}`);
  /** How many there are once no new log line has arrived for 100 ms. */
  const settled = async () => {
    let count = served().length;
    for (;;) {
      await sleep(100);
      if (served().length === count) return count;
      count = served().length;
    }
  };
  /** The next `count` of them after the first `before`, once their log lines have arrived. */
  const servedAfter = async (before: number, count: number) => {
    for (let waited = 0; served().length < before + count && waited < 5000; waited += 20) {
      await sleep(20);
    }
    return served().slice(before);
  };

  beforeAll(async () => {
    server = await startServer({
      databaseUrl: join(dir(), "kibo-auth.sqlite"),
      env: {
        APP_CLIENT_ID: app.clientId,
        APP_SHARED_SECRET: app.sharedSecret,
        APP_TOKEN_TTL_SECONDS: String(APP_TOKEN_TTL_SECONDS),
        TENANT_ID: String(TENANT_ID),
        SITE_ID: String(SITE_ID),
      },
      name: "kibo sdks e2e",
    });
  }, 180_000);

  describe("@kibocommerce/rest-sdk", () => {
    const requested: string[] = [];
    let accounts: CustomerAccountApi;
    let sessions: StorefrontAuthTicketApi;
    beforeAll(() => {
      const configuration = restSdkConfiguration(
        () => server.origin,
        { tenantId: TENANT_ID, siteId: SITE_ID, ...app },
        requested,
      );
      accounts = new CustomerAccountApi(configuration);
      sessions = new StorefrontAuthTicketApi(configuration);
    });

    it("authenticates the application, looks the tenant up and signs a shopper up", async () => {
      const body = shopper();
      const ticket = await accounts.addAccountAndLogin({ customerAccountAndAuthInfo: body });
      expect(ticket.customerAccount?.emailAddress).toBe(body.account.emailAddress);
      expect(ticket.customerAccount?.id).toEqual(expect.any(Number));
      expect(ticket.jwtAccessToken?.split(".")).toHaveLength(3);
      expect(ticket.requires2FA).toBe(false);
      // The tenant has no domain, so the SDK sent the customer call to the tenant's default
      // host, which in this test is this server too.
      expect(requested).toEqual([
        "https://home.example.test/api/platform/applications/authtickets/oauth",
        `https://home.example.test/api/platform/tenants/${TENANT_ID}`,
        `https://t${TENANT_ID}-s${SITE_ID}.sandbox.mozu.com${SIGN_UP}`,
      ]);
    });

    it("logs the shopper in, refreshes the session and reads the account", async () => {
      const body = shopper();
      const signedUp = await accounts.addAccountAndLogin({ customerAccountAndAuthInfo: body });
      const loggedIn = await sessions.createUserAuthTicket({
        customerUserAuthInfo: {
          username: body.account.emailAddress.toUpperCase(),
          password: body.password,
        },
      });
      expect(loggedIn.customerAccount?.id).toBe(signedUp.customerAccount?.id);
      const refreshed = await sessions.refreshUserAuthTicket({
        refreshToken: loggedIn.refreshToken ?? "",
      });
      expect(refreshed.accessToken).not.toBe(loggedIn.accessToken);
      const account = await accounts.getAccount({ accountId: signedUp.customerAccount?.id ?? 0 });
      expect(account.emailAddress).toBe(body.account.emailAddress);
    });

    it("gets only the fields responseFields names", async () => {
      const body = shopper();
      const ticket = await accounts.addAccountAndLogin({
        responseFields: "accessToken,customerAccount(id,emailAddress)",
        customerAccountAndAuthInfo: body,
      });
      expect(Object.keys(ticket).sort()).toEqual(["accessToken", "customerAccount"]);
      expect(Object.keys(ticket.customerAccount ?? {}).sort()).toEqual(["emailAddress", "id"]);
    });

    it("rejects an email address taken in another case with the 409 in Kibo's error shape", async () => {
      const body = shopper(`Taken.${randomUUID()}@example.com`);
      await accounts.addAccountAndLogin({ customerAccountAndAuthInfo: body });
      const again = shopper(body.account.emailAddress.toLowerCase());
      const refused = await accounts.addAccountAndLogin({ customerAccountAndAuthInfo: again }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({
        name: "ResponseError",
        response: { status: 409 },
        apiError: { errorCode: "VALIDATION_CONFLICT" },
      });
    });
  });

  describe("@kibocommerce/rest-sdk, with TENANT_DOMAIN set", () => {
    // A tenant and application of their own: the SDK caches tenants and tokens process-wide.
    const tenant = { id: 3000, site: 4000, domain: "shop.example.test" };
    const domainApp = { clientId: "storefront.domain", sharedSecret: `shared-${randomUUID()}` };
    const requested: string[] = [];
    let domainServer: ServerProcess;
    beforeAll(async () => {
      domainServer = await startServer({
        databaseUrl: join(dir(), "tenant-domain.sqlite"),
        env: {
          APP_CLIENT_ID: domainApp.clientId,
          APP_SHARED_SECRET: domainApp.sharedSecret,
          TENANT_ID: String(tenant.id),
          SITE_ID: String(tenant.site),
          TENANT_DOMAIN: tenant.domain,
        },
        name: "kibo sdks e2e, tenant domain",
      });
    }, 180_000);

    it("sends the customer calls to the tenant's domain", async () => {
      const accounts = new CustomerAccountApi(
        restSdkConfiguration(
          () => domainServer.origin,
          { tenantId: tenant.id, siteId: tenant.site, ...domainApp },
          requested,
        ),
      );
      const body = shopper();
      const ticket = await accounts.addAccountAndLogin({ customerAccountAndAuthInfo: body });
      expect(ticket.customerAccount?.emailAddress).toBe(body.account.emailAddress);
      expect(requested).toEqual([
        "https://home.example.test/api/platform/applications/authtickets/oauth",
        `https://home.example.test/api/platform/tenants/${tenant.id}`,
        `https://${tenant.domain}${SIGN_UP}`,
      ]);
    });
  });

  describe("mozu-node-sdk", () => {
    const context = () => ({
      appKey: app.clientId,
      sharedSecret: app.sharedSecret,
      baseUrl: `${server.origin}/`,
      tenantPod: `${server.origin}/`,
      tenant: TENANT_ID,
      site: SITE_ID,
    });
    // One resource client for the whole describe, as a storefront keeps one: the SDK caches
    // the application ticket in it.
    type Customer = ReturnType<ReturnType<OlderSdkClient["commerce"]>["customer"]>;
    let accounts: ReturnType<Customer["customerAccount"]>;
    let sessions: ReturnType<Customer["customerAuthTicket"]>;
    beforeAll(() => {
      const customer = olderSdk.client(context()).commerce().customer();
      accounts = customer.customerAccount();
      sessions = customer.customerAuthTicket();
    });
    const signUp = (body: unknown) => accounts.addAccountAndLogin(body);

    it("gets an application ticket, then signs a shopper up with x-vol-app-claims", async () => {
      const before = await settled();
      const body = shopper();
      const ticket = await signUp(body);
      expect(ticket.customerAccount.emailAddress).toBe(body.account.emailAddress);
      expect(ticket.jwtAccessToken.split(".")).toHaveLength(3);
      expect(await servedAfter(before, 2)).toEqual([
        "POST /api/platform/applications/authtickets 200",
        `POST ${SIGN_UP} 200`,
      ]);
    });

    it("renews its ticket at refresh-ticket once the ticket has expired, and goes on", async () => {
      await signUp(shopper());
      await sleep(APP_TOKEN_TTL_SECONDS * 1000 + 500);
      const before = await settled();
      const body = shopper();
      const ticket = await signUp(body);
      expect(ticket.customerAccount.emailAddress).toBe(body.account.emailAddress);
      expect(await servedAfter(before, 2)).toEqual([
        "PUT /api/platform/applications/authtickets/refresh-ticket 200",
        `POST ${SIGN_UP} 200`,
      ]);
    });

    it("logs the shopper in at authtickets/ and refreshes the session", async () => {
      const body = shopper();
      const signedUp = await signUp(body);
      const before = await settled();
      const loggedIn = await sessions.createUserAuthTicket({
        username: body.account.emailAddress,
        password: body.password,
      });
      expect(loggedIn.customerAccount.id).toBe(signedUp.customerAccount.id);
      const refreshed = await sessions.refreshUserAuthTicket({
        refreshToken: loggedIn.refreshToken,
      });
      expect(refreshed.accessToken).not.toBe(loggedIn.accessToken);
      // This resource client of the SDK gets an application ticket of its own first.
      const served = await servedAfter(before, 3);
      expect(served.filter((line) => line.includes("/commerce/"))).toEqual([
        "POST /api/commerce/customer/authtickets 200",
        "PUT /api/commerce/customer/authtickets/refresh 200",
      ]);
    });

    it("rejects an email address taken in another case with Kibo's VALIDATION_CONFLICT", async () => {
      const body = shopper(`Older.${randomUUID()}@example.com`);
      await signUp(body);
      const refused = await signUp(shopper(body.account.emailAddress.toUpperCase())).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({ originalError: { errorCode: "VALIDATION_CONFLICT" } });
    });
  });
});
