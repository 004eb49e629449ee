// The ES256 keys that sign application tokens and jwtAccessToken. Keys live in the database so
// that every instance on one database signs and verifies with the same set; a configured PEM
// key is added to that set. The oldest key signs; every stored key verifies and is published.
import { randomUUID } from "node:crypto";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  type CryptoKey as JoseKey,
  type JWK,
} from "jose";
import type { Db } from "../db/database.js";

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
  /** The key new tokens are signed with. */
  current(): { kid: string; privateKey: JoseKey | Uint8Array };
  /** The public key for a token's `kid`, looking again in the database for one it lacks. */
  publicKeyFor(kid: string): Promise<JoseKey | Uint8Array | undefined>;
  /** Every published key, newest first. */
  jwks(): PublicJwk[];
}

interface LoadedKey {
  kid: string;
  createdAt: string;
  privateKey: JoseKey | Uint8Array;
  publicKey: JoseKey | Uint8Array;
  publicJwk: PublicJwk;
}

export async function loadSigningKeys(
  db: Db,
  options: { configuredPem?: string | undefined; now: () => Date },
): Promise<SigningKeys> {
  if (options.configuredPem) {
    const key = await importPKCS8(options.configuredPem, SIGNING_ALGORITHM, { extractable: true });
    await storeKey(db, await exportJWK(key), options.now());
  }
  let keys = await readKeys(db);
  if (keys.length === 0) {
    const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    await storeKey(db, await exportJWK(privateKey), options.now());
    // Two instances starting together may both have stored one: all agree on the oldest.
    keys = await readKeys(db);
  }
  const signing = () => {
    const oldest = keys[keys.length - 1];
    if (!oldest) throw new Error("no signing key");
    return oldest;
  };
  return {
    current: () => {
      const key = signing();
      return { kid: key.kid, privateKey: key.privateKey };
    },
    publicKeyFor: async (kid) => {
      let found = keys.find((key) => key.kid === kid);
      if (!found) {
        keys = await readKeys(db);
        found = keys.find((key) => key.kid === kid);
      }
      return found?.publicKey;
    },
    jwks: () => keys.map((key) => key.publicJwk),
  };
}

async function storeKey(db: Db, privateJwk: JWK, createdAt: Date): Promise<void> {
  const kid = await calculateJwkThumbprint(privateJwk);
  const { d: _private, ...publicJwk } = privateJwk;
  await db.kysely
    .insertInto("signing_keys")
    .values({
      kid,
      private_jwk: JSON.stringify({ ...privateJwk, kid }),
      public_jwk: JSON.stringify({ ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: "sig" }),
      created_at: createdAt.toISOString(),
    })
    .onConflict((conflict) => conflict.column("kid").doNothing())
    .execute();
}

/** Newest first; ties broken by kid so that every instance orders them alike. */
async function readKeys(db: Db): Promise<LoadedKey[]> {
  const rows = await db.kysely
    .selectFrom("signing_keys")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("kid", "desc")
    .execute();
  return Promise.all(
    rows.map(async (row) => {
      const publicJwk = JSON.parse(row.public_jwk) as PublicJwk;
      return {
        kid: row.kid,
        createdAt: row.created_at,
        privateKey: await importJWK(JSON.parse(row.private_jwk) as JWK, SIGNING_ALGORITHM),
        publicKey: await importJWK(publicJwk, SIGNING_ALGORITHM),
        publicJwk,
      };
    }),
  );
}

export const newJti = () => randomUUID();
