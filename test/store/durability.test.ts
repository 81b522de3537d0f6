// The embedded store acknowledges nothing a power cut can take back, and what it deletes does not stay in the file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/adapters/store/db.ts';
import { migrate } from '../../src/adapters/store/migrations/index.ts';
import { Store } from '../../src/adapters/store/store.ts';
import { loadConfig } from '../../src/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'haoka-durability-'));
const opened: Database[] = [];
afterAll(async () => {
  for (const d of opened) await d.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

function open(name: string, env: Record<string, string> = {}): Database {
  const d = openDatabase(join(dir, name), { sync: loadConfig(env).sqliteSync });
  opened.push(d);
  return d;
}

const pragma = (d: Database, name: string) => d.sqlite!.writer.raw.pragma(name, { simple: true });
/** SQLite's numbers for synchronous: 1 NORMAL, 2 FULL. */
const FULL = 2;
const NORMAL = 1;

describe('durability of the embedded store', () => {
  it('runs synchronous=FULL by default, so a commit is on disk before it is acknowledged', () => {
    const d = open('default.db');
    expect(pragma(d, 'journal_mode')).toBe('wal');
    expect(pragma(d, 'synchronous')).toBe(FULL);
  });

  it('runs synchronous=NORMAL when HAOKA_SQLITE_SYNC=normal says so', () => {
    expect(pragma(open('normal.db', { HAOKA_SQLITE_SYNC: 'normal' }), 'synchronous')).toBe(NORMAL);
  });

  it('overwrites deleted rows, so a deleted bearer token is not left in the database file', async () => {
    const file = join(dir, 'deleted.db');
    const d = open('deleted.db');
    expect(pragma(d, 'secure_delete')).toBe(1);
    await migrate(d);
    const store = new Store(d);
    const token = `v1.${'eyJzdWIiOiJDMTIzNDUiLCJyb2xlIjoiY3VzdG9tZXIifQ'}.secret-${Date.now().toString(36)}`;
    const row = (key: string) => ({ scope: 'anonymous', key, method: 'POST', path: '/api/v1/auth/customer', body_hash: 'h', status_code: 200, response: JSON.stringify({ token, customerId: 'C1' }), created_at: 1 });
    for (let i = 0; i < 20; i++) await store.platform.putIdempotencyKey(row(`k${i}`));
    const inFile = () => {
      // Everything committed goes into the file; the WAL is emptied, so the file is all there is to read.
      d.sqlite!.writer.raw.pragma('wal_checkpoint(TRUNCATE)');
      const wal = `${file}-wal`;
      return Buffer.concat([readFileSync(file), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]).includes(token);
    };
    expect(inFile()).toBe(true);
    expect(await store.platform.purgeIdempotencyKeys(2)).toBe(20);
    expect(inFile()).toBe(false);
  });
});
