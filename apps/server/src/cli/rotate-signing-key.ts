// Operator command: make a new signing key, published at once, and retire the others six
// minutes later (when every instance and every cache of /.well-known/jwks.json knows the new
// one). The retired keys stay published until every token they signed has expired.
//   DATABASE_URL=... npm run rotate-signing-key -w @kibo-auth/server
import { rotateSigningKey } from "../auth/signing-keys.js";
import { loadConfig } from "../config.js";
import { createDb } from "../db/database.js";
import { migrateToLatest } from "../db/migrate.js";

const config = loadConfig(process.env);
const db = createDb(config.databaseUrl);
try {
  await migrateToLatest(db);
  const kid = await rotateSigningKey(db, new Date());
  console.log(
    `new signing key ${kid}; the previous keys are retired and stay published until their tokens expire`,
  );
} finally {
  await db.close();
}
