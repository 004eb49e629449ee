// All SQL about shopper sessions: token families, access and refresh tokens, log-in failures
// and trusted devices. Row types stay in here.
import type { Kysely, Transaction } from "kysely";
import type { Db } from "../db/database.js";
import type { Database } from "../db/schema.js";

export interface SessionRows {
  accountId: number;
  familyId: string;
  /** Only for a new family: the lifetimes every ticket of the family gets. */
  lifetimes?: { accessMinutes: number; refreshMinutes: number };
  accessTokenHash: string;
  refreshTokenHash: string;
  accessTokenExpiration: string;
  refreshTokenExpiration: string;
  fingerprint: string | null;
  region: string | null;
  /** Set to trust this device for two-factor purposes from now on. */
  trustDeviceHash?: string;
  at: string;
}

type Executor = Kysely<Database> | Transaction<Database>;

/** Writes a session's rows with whatever executor the caller holds (its own transaction or not). */
export async function insertSession(executor: Executor, rows: SessionRows): Promise<void> {
  if (rows.lifetimes) {
    await executor
      .insertInto("token_families")
      .values({
        id: rows.familyId,
        account_id: rows.accountId,
        access_ttl_minutes: rows.lifetimes.accessMinutes,
        refresh_ttl_minutes: rows.lifetimes.refreshMinutes,
        created_at: rows.at,
        revoked_at: null,
      })
      .execute();
  }
  const common = {
    account_id: rows.accountId,
    family_id: rows.familyId,
    fingerprint: rows.fingerprint,
    region: rows.region,
    created_at: rows.at,
  };
  await executor
    .insertInto("access_tokens")
    .values({ ...common, token_hash: rows.accessTokenHash, expires_at: rows.accessTokenExpiration })
    .execute();
  await executor
    .insertInto("refresh_tokens")
    .values({
      ...common,
      token_hash: rows.refreshTokenHash,
      expires_at: rows.refreshTokenExpiration,
      rotated_at: null,
    })
    .execute();
  if (rows.trustDeviceHash) {
    await executor
      .insertInto("trusted_devices")
      .values({
        account_id: rows.accountId,
        device_hash: rows.trustDeviceHash,
        created_at: rows.at,
      })
      .onConflict((c) => c.columns(["account_id", "device_hash"]).doNothing())
      .execute();
  }
}

export function createSessionsRepository(db: Db) {
  const { kysely } = db;
  return {
    /** The account a log-in names: by user name first, then by email address. */
    async findLoginCandidate(tenantId: number, key: string, accountId: number | undefined) {
      let query = kysely
        .selectFrom("accounts")
        .innerJoin("credentials", "credentials.account_id", "accounts.id")
        .select([
          "accounts.id",
          "accounts.user_name_key",
          "accounts.failed_logins",
          "accounts.locked_until",
          "credentials.password_hash",
          "credentials.external_password_hash",
        ])
        .where("accounts.tenant_id", "=", tenantId)
        .where((eb) =>
          eb.or([eb("accounts.user_name_key", "=", key), eb("accounts.email_key", "=", key)]),
        );
      if (accountId !== undefined) query = query.where("accounts.id", "=", accountId);
      const rows = await query.execute();
      const row = rows.find((r) => r.user_name_key === key) ?? rows[0];
      return (
        row && {
          accountId: row.id,
          failedLogins: row.failed_logins,
          lockedUntil: row.locked_until,
          passwordHash: row.password_hash,
          externalPasswordHash: row.external_password_hash,
        }
      );
    },

    /** Counts a wrong password; from `maxFailures` in a row on, locks until `lockUntil`. */
    async recordFailure(accountId: number, maxFailures: number, lockUntil: string, at: string) {
      await kysely
        .updateTable("accounts")
        .set((eb) => ({ failed_logins: eb("failed_logins", "+", 1), updated_at: at }))
        .where("id", "=", accountId)
        .execute();
      await kysely
        .updateTable("accounts")
        .set({
          locked_until: lockUntil,
          is_locked: db.bool(true),
          failed_logins: 0,
        })
        .where("id", "=", accountId)
        .where("failed_logins", ">=", maxFailures)
        .execute();
    },

    async recordSuccess(accountId: number) {
      await kysely
        .updateTable("accounts")
        .set({
          failed_logins: 0,
          locked_until: null,
          is_locked: db.bool(false),
        })
        .where("id", "=", accountId)
        .execute();
    },

    /**
     * A fresh argon2id hash at log-in: it replaces an imported account's external hash, or
     * one made with parameters the server no longer uses.
     */
    async replacePasswordHash(accountId: number, passwordHash: string, at: string) {
      await kysely.transaction().execute(async (trx) => {
        await trx
          .updateTable("credentials")
          .set({ password_hash: passwordHash, external_password_hash: null, updated_at: at })
          .where("account_id", "=", accountId)
          .execute();
        // The account changes only when it stops having an external password: a re-hash alone
        // is not an edit of the shopper's account.
        await trx
          .updateTable("accounts")
          .set({ has_external_password: db.bool(false), updated_at: at })
          .where("id", "=", accountId)
          .where("has_external_password", "=", db.bool(true))
          .execute();
      });
    },

    async isTrustedDevice(accountId: number, deviceHash: string): Promise<boolean> {
      const row = await kysely
        .selectFrom("trusted_devices")
        .select("device_hash")
        .where("account_id", "=", accountId)
        .where("device_hash", "=", deviceHash)
        .executeTakeFirst();
      return row !== undefined;
    },

    async createSession(rows: SessionRows): Promise<void> {
      await kysely.transaction().execute((trx) => insertSession(trx, rows));
    },

    async findRefreshToken(tokenHash: string) {
      const row = await kysely
        .selectFrom("refresh_tokens")
        .innerJoin("token_families", "token_families.id", "refresh_tokens.family_id")
        .innerJoin("accounts", "accounts.id", "refresh_tokens.account_id")
        .select([
          "refresh_tokens.account_id",
          "refresh_tokens.family_id",
          "refresh_tokens.expires_at",
          "refresh_tokens.rotated_at",
          "refresh_tokens.fingerprint",
          "refresh_tokens.region",
          "token_families.revoked_at",
          "token_families.access_ttl_minutes",
          "token_families.refresh_ttl_minutes",
          "accounts.tenant_id",
        ])
        .where("refresh_tokens.token_hash", "=", tokenHash)
        .executeTakeFirst();
      return (
        row && {
          accountId: row.account_id,
          tenantId: row.tenant_id,
          familyId: row.family_id,
          expiresAt: row.expires_at,
          rotatedAt: row.rotated_at,
          revokedAt: row.revoked_at,
          fingerprint: row.fingerprint,
          region: row.region,
          lifetimes: {
            accessMinutes: row.access_ttl_minutes,
            refreshMinutes: row.refresh_ttl_minutes,
          },
        }
      );
    },

    /**
     * Retires the presented refresh token and writes the next session of its family, in one
     * transaction. Answers false when another request exchanged the same token first.
     */
    async rotate(presentedHash: string, next: SessionRows): Promise<boolean> {
      return kysely.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable("refresh_tokens")
          .set({ rotated_at: next.at })
          .where("token_hash", "=", presentedHash)
          .where("rotated_at", "is", null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await insertSession(trx, next);
        return true;
      });
    },

    async revokeFamily(familyId: string, at: string): Promise<void> {
      await kysely
        .updateTable("token_families")
        .set({ revoked_at: at })
        .where("id", "=", familyId)
        .where("revoked_at", "is", null)
        .execute();
    },

    async findAccessToken(tokenHash: string) {
      const row = await kysely
        .selectFrom("access_tokens")
        .innerJoin("token_families", "token_families.id", "access_tokens.family_id")
        .innerJoin("accounts", "accounts.id", "access_tokens.account_id")
        .select([
          "access_tokens.account_id",
          "access_tokens.expires_at",
          "token_families.revoked_at",
          "accounts.tenant_id",
        ])
        .where("access_tokens.token_hash", "=", tokenHash)
        .executeTakeFirst();
      return (
        row && {
          accountId: row.account_id,
          tenantId: row.tenant_id,
          expiresAt: row.expires_at,
          revokedAt: row.revoked_at,
        }
      );
    },

    async isFamilyRevoked(familyId: string): Promise<boolean> {
      const row = await kysely
        .selectFrom("token_families")
        .select("revoked_at")
        .where("id", "=", familyId)
        .executeTakeFirst();
      return !row || row.revoked_at !== null;
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
