// All SQL about tenants, sites and applications.
import type { Db } from "../db/database.js";
import { toBool } from "../db/schema.js";

export interface StoredApplication {
  clientId: string;
  secretHash: string;
  tenantId: number;
  siteId: number;
  behaviors: string[];
}

export interface StoredTenant {
  id: number;
  name: string;
  domain: string | null;
  isDev: boolean;
  sites: { id: number; tenantId: number; name: string }[];
}

export function createPlatformRepository(db: Db) {
  const { kysely } = db;
  return {
    async upsertTenant(tenant: {
      id: number;
      name: string;
      domain: string | null;
      isDev: boolean;
    }) {
      const values = {
        id: tenant.id,
        name: tenant.name,
        domain: tenant.domain,
        is_dev: db.bool(tenant.isDev),
      };
      await kysely
        .insertInto("tenants")
        .values(values)
        .onConflict((c) =>
          c
            .column("id")
            .doUpdateSet({ name: values.name, domain: values.domain, is_dev: values.is_dev }),
        )
        .execute();
    },

    async upsertSite(site: { id: number; tenantId: number; name: string }) {
      await kysely
        .insertInto("sites")
        .values({ id: site.id, tenant_id: site.tenantId, name: site.name })
        .onConflict((c) =>
          c.column("id").doUpdateSet({ tenant_id: site.tenantId, name: site.name }),
        )
        .execute();
    },

    async findTenant(id: number): Promise<StoredTenant | undefined> {
      const row = await kysely
        .selectFrom("tenants")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirst();
      if (!row) return undefined;
      const sites = await kysely
        .selectFrom("sites")
        .selectAll()
        .where("tenant_id", "=", id)
        .orderBy("id")
        .execute();
      return {
        id: row.id,
        name: row.name,
        domain: row.domain,
        isDev: toBool(row.is_dev) === true,
        sites: sites.map((site) => ({ id: site.id, tenantId: site.tenant_id, name: site.name })),
      };
    },

    async upsertApplication(app: StoredApplication, createdAt: string) {
      const values = {
        client_id: app.clientId,
        secret_hash: app.secretHash,
        tenant_id: app.tenantId,
        site_id: app.siteId,
        behaviors: JSON.stringify(app.behaviors),
        created_at: createdAt,
      };
      await kysely
        .insertInto("applications")
        .values(values)
        .onConflict((c) =>
          c.column("client_id").doUpdateSet({
            secret_hash: values.secret_hash,
            tenant_id: values.tenant_id,
            site_id: values.site_id,
            behaviors: values.behaviors,
          }),
        )
        .execute();
    },

    /** Inserts the application unless one with that id exists; answers whether it inserted. */
    async insertApplicationIfAbsent(app: StoredApplication, createdAt: string): Promise<boolean> {
      const result = await kysely
        .insertInto("applications")
        .values({
          client_id: app.clientId,
          secret_hash: app.secretHash,
          tenant_id: app.tenantId,
          site_id: app.siteId,
          behaviors: JSON.stringify(app.behaviors),
          created_at: createdAt,
        })
        .onConflict((c) => c.column("client_id").doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async findApplication(clientId: string): Promise<StoredApplication | undefined> {
      const row = await kysely
        .selectFrom("applications")
        .selectAll()
        .where("client_id", "=", clientId)
        .executeTakeFirst();
      return row
        ? {
            clientId: row.client_id,
            secretHash: row.secret_hash,
            tenantId: row.tenant_id,
            siteId: row.site_id,
            behaviors: JSON.parse(row.behaviors) as string[],
          }
        : undefined;
    },

    async countApplications(): Promise<number> {
      const row = await kysely
        .selectFrom("applications")
        .select((eb) => eb.fn.countAll<string | number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async storeRefreshToken(tokenHash: string, clientId: string, expiresAt: string) {
      await kysely
        .insertInto("application_refresh_tokens")
        .values({ token_hash: tokenHash, client_id: clientId, expires_at: expiresAt })
        .execute();
    },

    /**
     * Deletes the refresh token if it is unexpired (and the client's, when one is named);
     * answers the client it belonged to, or undefined when there was no such token.
     */
    async consumeRefreshToken(
      tokenHash: string,
      now: string,
      clientId?: string,
    ): Promise<string | undefined> {
      let query = kysely
        .deleteFrom("application_refresh_tokens")
        .where("token_hash", "=", tokenHash)
        .where("expires_at", ">", now);
      if (clientId !== undefined) query = query.where("client_id", "=", clientId);
      const row = await query.returning("client_id").executeTakeFirst();
      return row?.client_id;
    },
  };
}

export type PlatformRepository = ReturnType<typeof createPlatformRepository>;
