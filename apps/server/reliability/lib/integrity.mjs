// What a crash must never leave behind, checked from outside the server: shared by the
// reliability script and the fast tests (their TypeScript reads integrity.d.mts).

const CHILD_TABLES = [
  "credentials",
  "account_contacts",
  "account_attributes",
  "account_notes",
  "account_segments",
  "access_tokens",
  "refresh_tokens",
  "token_families",
  "trusted_devices",
];

/**
 * { description: count }, all zero when the database is whole: an account without a credential
 * or without the session its sign-up opened, a row whose account does not exist, a token whose
 * session does not exist.
 */
export async function integrityCounts(database) {
  const count = async (text) => Number((await database.query(text))[0]?.n ?? Number.NaN);
  const counts = {
    "accounts without a credential": await count(
      `select count(*) as n from accounts a where not exists (select 1 from credentials c
       where c.account_id = a.id and (c.password_hash is not null or c.external_password_hash is not null))`,
    ),
    "accounts without a session": await count(
      "select count(*) as n from accounts a where not exists (select 1 from token_families f where f.account_id = a.id)",
    ),
  };
  for (const table of CHILD_TABLES) {
    counts[`${table} without an account`] = await count(
      `select count(*) as n from ${table} x where not exists (select 1 from accounts a where a.id = x.account_id)`,
    );
  }
  for (const table of ["access_tokens", "refresh_tokens"]) {
    counts[`${table} without a session`] = await count(
      `select count(*) as n from ${table} x where not exists (select 1 from token_families f where f.id = x.family_id)`,
    );
  }
  return counts;
}

/** Emails of every stored account, as stored. */
export async function storedEmails(database) {
  return new Set(
    (await database.query("select email_address from accounts")).map((row) => row.email_address),
  );
}
