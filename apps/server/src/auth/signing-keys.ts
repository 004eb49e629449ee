// The ES256 keys that sign application tokens and jwtAccessToken. Keys live in the database so
// that every instance on one database signs and verifies with the same set; a configured PEM
// key is added to that set. The oldest key not yet retired signs. Rotation (rotateSigningKey)
// publishes a new key at once and schedules the retirement of the others a little later, so
// that caches of /.well-known/jwks.json know the new key before any token carries it. A retired
// key signs nothing new but stays published, and keeps verifying, until every token it can have
// signed has expired.
import { createPrivateKey, type KeyObject, randomUUID, sign } from "node:crypto";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type CryptoKey as JoseKey,
  type JWK,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import type { Transaction } from "kysely";
import type { Db } from "../db/database.js";
import type { Database } from "../db/schema.js";

export const SIGNING_ALGORITHM = "ES256";

export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg: "ES256";
  use: "sig";
}

export interface SigningKeys {
  /** The key new tokens are signed with (signServerJwt signs with it). */
  current(): Promise<{ kid: string; privateKey: KeyObject }>;
  /** The public key for a token's `kid`, looking again in the database for one it lacks. */
  publicKeyFor(kid: string): Promise<JoseKey | Uint8Array | undefined>;
  /** Every published key, newest first. */
  jwks(): Promise<PublicJwk[]>;
}

/** seconds: how long consumers may cache /.well-known/jwks.json (its Cache-Control max-age). */
export const JWKS_MAX_AGE_SECONDS = 300;

interface LoadedKey {
  kid: string;
  createdAt: string;
  retiredAt: string | null;
  privateKey: KeyObject;
  publicKey: JoseKey | Uint8Array;
  publicJwk: PublicJwk;
}

export async function loadSigningKeys(
  db: Db,
  options: {
    configuredPem?: string | undefined;
    now: () => Date;
    /** ms: the longest any token signed by this server lives (a retired key is kept this long). */
    maxTokenLifetimeMs: number;
    /** ms: how long this instance trusts its copy of the key set before reading it again. */
    reloadMs: number;
  },
): Promise<SigningKeys> {
  const { now, reloadMs } = options;
  // A key retired now may still be used by an instance that has not reloaded yet.
  const retention = options.maxTokenLifetimeMs + reloadMs;
  if (options.configuredPem) {
    const key = await importPKCS8(options.configuredPem, SIGNING_ALGORITHM, { extractable: true });
    await storeKey(db, await exportJWK(key), now());
  }
  const read = () => readKeys(db, new Date(now().getTime() - retention).toISOString());
  let keys = await read();
  const signing = (at: number) =>
    keys.filter((key) => key.retiredAt === null || Date.parse(key.retiredAt) > at);
  if (signing(now().getTime()).length === 0) {
    const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    await storeKey(db, await exportJWK(privateKey), now());
    // Two instances starting together may both have stored one: all agree on the oldest.
    keys = await read();
  }
  let loadedAt = now().getTime();
  const fresh = async () => {
    if (now().getTime() - loadedAt > reloadMs) {
      keys = await read();
      loadedAt = now().getTime();
    }
    return keys;
  };
  return {
    current: async () => {
      await fresh();
      const active = signing(now().getTime());
      const oldest = active[active.length - 1];
      if (!oldest) throw new Error("no active signing key");
      return { kid: oldest.kid, privateKey: oldest.privateKey };
    },
    publicKeyFor: async (kid) => {
      let found = (await fresh()).find((key) => key.kid === kid);
      if (!found) {
        keys = await read();
        loadedAt = now().getTime();
        found = keys.find((key) => key.kid === kid);
      }
      return found?.publicKey;
    },
    jwks: async () => (await fresh()).map((key) => key.publicJwk),
  };
}

/**
 * Makes a new signing key, published at once, and schedules the retirement of every other key
 * still signing for `publishAheadMs` later: by then every instance has reloaded and every cache
 * of the key set has expired, so no consumer meets a token whose key it has not seen. Tokens
 * signed by the retired keys keep verifying until they expire.
 */
export async function rotateSigningKey(
  db: Db,
  now: Date,
  publishAheadMs = (JWKS_MAX_AGE_SECONDS + 60) * 1000,
): Promise<string> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  await db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable("signing_keys")
      .set({ retired_at: new Date(now.getTime() + publishAheadMs).toISOString() })
      .where("retired_at", "is", null)
      .execute();
    await storeKey(trx, jwk, now);
  });
  return kid;
}

async function storeKey(
  db: Db | Transaction<Database>,
  privateJwk: JWK,
  createdAt: Date,
): Promise<void> {
  const kid = await calculateJwkThumbprint(privateJwk);
  const { d: _private, ...publicJwk } = privateJwk;
  const executor = "kysely" in db ? db.kysely : db;
  await executor
    .insertInto("signing_keys")
    .values({
      kid,
      private_jwk: JSON.stringify({ ...privateJwk, kid }),
      public_jwk: JSON.stringify({ ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: "sig" }),
      created_at: createdAt.toISOString(),
      retired_at: null,
    })
    .onConflict((conflict) => conflict.column("kid").doNothing())
    .execute();
}

/** Keys still published, newest first; ties broken by kid so every instance orders them alike. */
async function readKeys(db: Db, retiredSince: string): Promise<LoadedKey[]> {
  const rows = await db.kysely
    .selectFrom("signing_keys")
    .selectAll()
    .where((eb) => eb.or([eb("retired_at", "is", null), eb("retired_at", ">", retiredSince)]))
    .orderBy("created_at", "desc")
    .orderBy("kid", "desc")
    .execute();
  return Promise.all(
    rows.map(async (row) => {
      const publicJwk = JSON.parse(row.public_jwk) as PublicJwk;
      return {
        kid: row.kid,
        createdAt: row.created_at,
        retiredAt: row.retired_at,
        privateKey: createPrivateKey({ key: JSON.parse(row.private_jwk) as JWK, format: "jwk" }),
        publicKey: await importJWK(publicJwk, SIGNING_ALGORITHM),
        publicJwk,
      };
    }),
  );
}

export const newJti = () => randomUUID();

/**
 * A JWT signed with the current key (ES256, `kid` and `typ` in the header). The compact JWS is
 * assembled here and signed with node:crypto: jose signs through WebCrypto, whose overhead in
 * Node is three times the signature itself, and every sign-up signs one. jose verifies them
 * (verifyServerJwt), and the tests verify them with jose against the published key set.
 */
export async function signServerJwt(keys: SigningKeys, claims: JWTPayload): Promise<string> {
  const { kid, privateKey } = await keys.current();
  const header = { alg: SIGNING_ALGORITHM, kid, typ: "JWT" };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign("sha256", Buffer.from(input), {
    key: privateKey,
    dsaEncoding: "ieee-p1363", // JWS wants r || s, not DER
  });
  return `${input}.${signature.toString("base64url")}`;
}

const base64url = (text: string) => Buffer.from(text).toString("base64url");

/**
 * Verifies a JWT this server signed: the algorithm pinned to ES256, the key chosen by `kid` from
 * the key set (read again for a kid it lacks), issuer, audience and expiry checked.
 */
export async function verifyServerJwt(
  keys: SigningKeys,
  token: string,
  expected: { issuer: string; audience: string; now: Date; requiredClaims: string[] },
): Promise<JWTPayload> {
  const { payload } = await jwtVerify(
    token,
    async (header) => {
      const key = header.kid ? await keys.publicKeyFor(header.kid) : undefined;
      if (!key) throw new joseErrors.JWKSNoMatchingKey();
      return key;
    },
    {
      algorithms: [SIGNING_ALGORITHM],
      issuer: expected.issuer,
      audience: expected.audience,
      currentDate: expected.now,
      requiredClaims: expected.requiredClaims,
    },
  );
  return payload;
}
