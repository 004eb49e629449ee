// SQLite's WAL checkpoints run on a thread of their own, not inside the commits of the event
// loop: the commits must not checkpoint, and the WAL must still be copied back and reused.
import { statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { Db } from "../src/db/database.js";
import { testDatabase } from "./support/databases.js";

/** The serving connection's setting: 0 while the thread checkpoints, 1000 pages without it. */
const autocheckpoint = async (db: Db) =>
  (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db.kysely)).rows[0]
    ?.wal_autocheckpoint;

describe("SQLite checkpoints", () => {
  it("are taken off the commits, and the WAL stays as small as one burst of writes", async () => {
    const database = testDatabase("sqlite");
    const db = database.open();
    try {
      expect(await autocheckpoint(db)).toBe(0);

      await sql`create table filler (body text)`.execute(db.kysely);
      const burstBytes = 50 * 40_000;
      const burst = async () => {
        for (let i = 0; i < 50; i++) {
          await sql`insert into filler values (${"x".repeat(40_000)})`.execute(db.kysely);
        }
      };
      // Five bursts, each followed by more than one checkpoint period. Without checkpoints
      // the WAL would hold all five (10 MB); checkpointed, each burst reuses it from the start.
      for (let round = 0; round < 5; round++) {
        await burst();
        await sleep(1300);
      }
      expect(statSync(`${database.url}-wal`).size).toBeLessThan(2.5 * burstBytes);
    } finally {
      await db.close();
      await database.drop();
    }
  });

  it("turn back on inside the commits when the checkpointing thread ends", async () => {
    const database = testDatabase("sqlite");
    const db = database.open();
    try {
      expect(await autocheckpoint(db)).toBe(0);
      // A real fault: the serving connection takes the database for itself, so the thread's
      // next checkpoint fails with "database is locked" (after its 5 s busy timeout) and the
      // thread ends.
      await sql`pragma locking_mode = exclusive`.execute(db.kysely);
      await sql`create table filler (body text)`.execute(db.kysely);
      const deadline = Date.now() + 15_000;
      while ((await autocheckpoint(db)) !== 1000 && Date.now() < deadline) await sleep(200);
      expect(await autocheckpoint(db)).toBe(1000);
    } finally {
      await db.close();
      await database.drop();
    }
  }, 20_000);
});
