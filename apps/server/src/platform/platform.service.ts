// Application credentials, application tokens and tenants: the rules, no SQL, no HTTP.
import { randomBytes } from "node:crypto";
import type { AppPrincipal, AppTokens } from "../auth/app-tokens.js";
import { randomToken, sameSecret, sha256 } from "../auth/secrets.js";
import type { Config } from "../config.js";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../http/errors.js";
import type { PlatformRepository, StoredTenant } from "./platform.repository.js";

/** Behaviors a development application gets: everything this server knows. */
export const ALL_BEHAVIORS = ["customer-auth:configure-token-durations"];

// days: an application refresh token outlives many access tokens
const APP_REFRESH_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface IssuedAppToken {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  refresh_token: string;
}

/** The same grant in the shape of Kibo's older SDKs. */
export interface AppAuthTicket {
  accessToken: string;
  accessTokenExpiration: string;
  refreshToken: string;
  refreshTokenExpiration: string;
}

/** Tenant, site and the configured application, written at every start (idempotent). */
export async function bootstrapPlatform(
  repository: PlatformRepository,
  config: Readonly<Config>,
  now: () => Date,
): Promise<{ clientId: string; sharedSecret: string } | undefined> {
  const at = now().toISOString();
  await repository.upsertTenant({
    id: config.tenant.id,
    name: config.tenant.name,
    domain: config.tenant.domain ?? null,
    isDev: config.development || !config.application,
  });
  await repository.upsertSite({
    id: config.site.id,
    tenantId: config.tenant.id,
    name: config.site.name,
  });
  if (config.application) {
    await repository.upsertApplication(
      {
        clientId: config.application.clientId,
        secretHash: sha256(config.application.sharedSecret),
        tenantId: config.tenant.id,
        siteId: config.site.id,
        behaviors: config.application.behaviors,
      },
      at,
    );
    return undefined;
  }
  if ((await repository.countApplications()) > 0) return undefined;
  // No application at all: make a development one, once, and hand back its credentials.
  const created = {
    clientId: `dev.${config.tenant.id}`,
    sharedSecret: randomBytes(24).toString("hex"),
  };
  const inserted = await repository.insertApplicationIfAbsent(
    {
      clientId: created.clientId,
      secretHash: sha256(created.sharedSecret),
      tenantId: config.tenant.id,
      siteId: config.site.id,
      behaviors: ALL_BEHAVIORS,
    },
    at,
  );
  return inserted ? created : undefined;
}

export function createPlatformService(deps: {
  repository: PlatformRepository;
  appTokens: AppTokens;
  now: () => Date;
}) {
  const { repository, appTokens, now } = deps;

  // Tenants change only when an instance starts (bootstrap): a minute-old copy is fresh enough
  // and spares the database the read that every Kibo client makes first.
  const TENANT_CACHE_MS = 60_000;
  const tenants = new Map<number, { tenant: StoredTenant | undefined; readAt: number }>();
  async function cachedTenant(id: number): Promise<StoredTenant | undefined> {
    const at = now().getTime();
    const cached = tenants.get(id);
    if (cached && at - cached.readAt < TENANT_CACHE_MS) return cached.tenant;
    const tenant = await repository.findTenant(id);
    if (tenant) tenants.set(id, { tenant, readAt: at });
    return tenant;
  }

  // Same work whether or not the client exists, so timing does not reveal client ids.
  const DUMMY_HASH = sha256(randomToken());

  async function authenticate(clientId: string, clientSecret: string) {
    const app = await repository.findApplication(clientId);
    const matches = sameSecret(clientSecret, app?.secretHash ?? DUMMY_HASH);
    if (!app || !matches) throw new UnauthorizedError("The client credentials are not valid.");
    return app;
  }

  /** A new application token and a refresh token for it (stored as a hash only). */
  async function grantFor(app: AppPrincipal) {
    const access = await appTokens.issue(app);
    const refreshToken = randomToken();
    const refreshExpiresAt = new Date(now().getTime() + APP_REFRESH_TTL_MS);
    await repository.storeRefreshToken(
      sha256(refreshToken),
      app.clientId,
      refreshExpiresAt.toISOString(),
    );
    return { access, refreshToken, refreshExpiresAt };
  }

  async function ticketFor(app: AppPrincipal): Promise<AppAuthTicket> {
    const { access, refreshToken, refreshExpiresAt } = await grantFor(app);
    return {
      accessToken: access.token,
      accessTokenExpiration: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiration: refreshExpiresAt.toISOString(),
    };
  }

  return {
    async exchange(request: {
      client_id: string;
      client_secret: string;
      grant_type: "client_credentials" | "refresh_token";
      refresh_token?: string | null | undefined;
    }): Promise<IssuedAppToken> {
      const app = await authenticate(request.client_id, request.client_secret);
      if (request.grant_type === "refresh_token") {
        const presented = request.refresh_token ?? "";
        const consumed =
          presented !== "" &&
          (await repository.consumeRefreshToken(
            sha256(presented),
            now().toISOString(),
            app.clientId,
          ));
        if (!consumed) throw new UnauthorizedError("The refresh token is not valid.");
      }
      const { access, refreshToken } = await grantFor(app);
      return {
        access_token: access.token,
        token_type: "bearer",
        expires_in: access.expiresInSeconds,
        refresh_token: refreshToken,
      };
    },

    /** Older Kibo SDKs: the client-credentials exchange with camelCase names. */
    async authenticateApp(request: {
      applicationId: string;
      sharedSecret: string;
    }): Promise<AppAuthTicket> {
      return ticketFor(await authenticate(request.applicationId, request.sharedSecret));
    },

    /**
     * Older Kibo SDKs: the refresh token alone names the application. It is retired, and the
     * application must still exist.
     */
    async refreshAppTicket(refreshToken: string): Promise<AppAuthTicket> {
      const clientId = await repository.consumeRefreshToken(
        sha256(refreshToken),
        now().toISOString(),
      );
      const app = clientId === undefined ? undefined : await repository.findApplication(clientId);
      if (!app) throw new UnauthorizedError("The refresh token is not valid.");
      return ticketFor(app);
    },

    async tenantFor(principal: AppPrincipal, tenantId: number): Promise<StoredTenant> {
      const tenant = await cachedTenant(tenantId);
      if (!tenant) throw new NotFoundError(`Tenant ${tenantId} was not found.`);
      if (tenant.id !== principal.tenantId) {
        throw new ForbiddenError("An application may read only its own tenant.");
      }
      return tenant;
    },
  };
}

export type PlatformService = ReturnType<typeof createPlatformService>;
