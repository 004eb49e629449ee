// SQLite's WAL checkpoints run on a thread of their own, not inside the commits of the event
// loop: the commits must not checkpoint, and the WAL must still be copied back and reused.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/database.js";

describe("SQLite checkpoints", () => {
  it("are taken off the commits, and the WAL stays as small as one burst of writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kibo-auth-wal-"));
    const file = join(dir, "wal.sqlite");
    const db = createDb(file);
    try {
      const { rows } = await sql<{
        wal_autocheckpoint: number;
      }>`pragma wal_autocheckpoint`.execute(db.kysely);
      expect(rows[0]?.wal_autocheckpoint).toBe(0);

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
      expect(statSync(`${file}-wal`).size).toBeLessThan(2.5 * burstBytes);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("turn back on inside the commits when the checkpointing thread ends", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kibo-auth-wal-"));
    const file = join(dir, "wal.sqlite");
    const db = createDb(file);
    const autocheckpoint = async () =>
      (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db.kysely))
        .rows[0]?.wal_autocheckpoint;
    try {
      expect(await autocheckpoint()).toBe(0);
      // A real fault: the serving connection takes the database for itself, so the thread's
      // next checkpoint fails with "database is locked" (after its 5 s busy timeout) and the
      // thread ends.
      await sql`pragma locking_mode = exclusive`.execute(db.kysely);
      await sql`create table filler (body text)`.execute(db.kysely);
      const deadline = Date.now() + 15_000;
      while ((await autocheckpoint()) !== 1000 && Date.now() < deadline) await sleep(200);
      expect(await autocheckpoint()).toBe(1000);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
