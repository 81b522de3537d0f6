// The embedded store's backup reads through SQLite, not the file: what is committed but still in the WAL (not yet
// checkpointed into the database file) is in the copy, and the copy is one file of its own.
import { afterAll, describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupSqlite, isRefusal } from '../../src/adapters/store/backup.ts';
import { migrationNames } from '../../src/adapters/store/migrations/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'haoka-backup-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backup of the embedded store', () => {
  it('copies transactions still in the WAL into one self-contained file', async () => {
    const source = join(dir, 'live.db');
    const live = new SqliteDatabase(source);
    live.pragma('journal_mode = WAL');
    // No checkpoint: every commit below stays in the -wal file, as it does between the checkpointer's passes.
    live.pragma('wal_autocheckpoint = 0');
    live.exec('create table kysely_migration (name text primary key, timestamp text); create table orders (id text primary key)');
    const mark = live.prepare('insert into kysely_migration values (?, ?)');
    for (const name of migrationNames()) mark.run(name, '2026-12-07T00:00:00Z');
    const place = live.prepare('insert into orders values (?)');
    for (let i = 0; i < 500; i++) place.run(`ORD-${i}`);
    // The first half reaches the database file; the second half is only in the WAL.
    live.pragma('wal_checkpoint(TRUNCATE)');
    for (let i = 500; i < 1000; i++) place.run(`ORD-${i}`);

    const copy = join(dir, 'copy.db');
    const r = await backupSqlite(source, copy, { force: false });
    live.close();
    expect(isRefusal(r) ? r : { orders: r.orders, schema: r.schema }).toEqual({ orders: 1000, schema: migrationNames().at(-1) });
    expect(existsSync(`${copy}-wal`)).toBe(false);
    const db = new SqliteDatabase(copy, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect((db.prepare('select count(*) as n from orders').get() as { n: number }).n).toBe(1000);
    db.close();
  });
});
