// The embedded store copies committed pages from its WAL into the database file off the request path.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/store/db.ts';
import { sql } from 'kysely';

const dir = mkdtempSync(join(tmpdir(), 'haoka-checkpoint-'));
let database: Database | null = null;
afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the database file holds on its own, without its WAL: a copy of the file alone, opened apart. */
function notesInFileAlone(file: string): number {
  const copy = join(dir, `alone-${Date.now()}.db`);
  copyFileSync(file, copy);
  const raw = new SqliteDatabase(copy, { readonly: true });
  try {
    if (!raw.prepare(`select 1 from sqlite_master where name = 'notes'`).get()) return 0;
    return (raw.prepare('select count(*) as n from notes').get() as { n: number }).n;
  } catch (e) {
    // The copy caught a checkpoint half-way through writing the file: nothing to count yet, look again.
    if (/^SQLITE_(CORRUPT|NOTADB)/.test((e as { code?: string }).code ?? '')) return 0;
    throw e;
  } finally {
    raw.close();
  }
}

describe('WAL checkpoints on the embedded store', () => {
  it('reach the database file shortly after a commit, without the writer checkpointing and while it stays open', async () => {
    const file = join(dir, 'haoka.db');
    database = openDatabase(file);
    await sql`create table notes (id integer primary key, text text not null)`.execute(database.db);
    // Fewer pages than the writer's own checkpoint threshold: only the background checkpointer can copy them.
    for (let i = 0; i < 300; i++) await sql`insert into notes (text) values (${`note ${i}`})`.execute(database.db);
    let seen = notesInFileAlone(file);
    for (let i = 0; i < 40 && seen < 300; i++) {
      await new Promise((res) => setTimeout(res, 50));
      seen = notesInFileAlone(file);
    }
    expect(seen).toBe(300);
  });
});
