// Password hashes imported from other systems, verified once at the shopper's first log-in
// (then replaced by our own argon2id). Accepted: bcrypt ($2a$, $2b$, $2y$) and argon2
// ($argon2id$, $argon2i$, $argon2d$), each in its usual PHC or modular-crypt form.
import { verify as verifyArgon2 } from "@node-rs/argon2";
import { verify as verifyBcrypt } from "@node-rs/bcrypt";

const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(id|i|d)\$/;

/** What openapi.yaml states for `externalPassword`: one of the formats above. */
export const EXTERNAL_HASH_PATTERN =
  /^\$(2[aby]\$\d{2}\$[./A-Za-z0-9]{53}|argon2(id|i|d)\$[A-Za-z0-9+/=$,.-]+)$/;

/** Both libraries run off the event loop; a malformed hash verifies nothing. */
export async function verifyExternalPassword(hash: string, password: string): Promise<boolean> {
  try {
    if (BCRYPT.test(hash)) return await verifyBcrypt(password, hash);
    if (ARGON2.test(hash)) return await verifyArgon2(hash, password);
  } catch {
    return false;
  }
  return false;
}
