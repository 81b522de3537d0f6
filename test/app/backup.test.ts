// `haoka backup` copies a serving embedded store while orders keep arriving, and `haoka restore` brings the copy
// into a fresh store that `haoka check` finds consistent, holding every order acknowledged before the backup began.
// Backups are of the embedded store (SQLite); PostgreSQL is backed up with pg_dump, which the commands point to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, kill, runHaoka, signIn, startProcess, type Proc } from '../fixtures/processes.ts';
import { ADDRESS, residentId } from '../fixtures/harness.ts';

const SECRET = 'backup-test-secret-0123456789';
// Plans with a price of their own: an order that costs nothing is confirmed at once, and these orders wait for payment.
const LANES = [
  { planId: 'cm-129', carrier: 'china_mobile' },
  { planId: 'cu-99', carrier: 'china_unicom' },
  { planId: 'ct-169', carrier: 'china_telecom' },
];

function orderIds(file: string): Set<string> {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    return new Set((db.prepare('select id from orders').all() as { id: string }[]).map((r) => r.id));
  } finally {
    db.close();
  }
}

describe('backups of the embedded store', () => {
  let dir: string;
  let env: Record<string, string>;
  let server: Proc;
  const source = () => env.HAOKA_DATABASE_URL!;
  const backup = () => join(dir, 'backup.db');
  const at = (name: string) => ({ ...env, HAOKA_DATABASE_URL: join(dir, name) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haoka-backup-'));
    env = { HAOKA_DATABASE_URL: join(dir, 'haoka.db'), HAOKA_SECRET: SECRET, HAOKA_LOG_LEVEL: 'warn' };
    server = await startProcess('serve', { ...env, HAOKA_LOG_LEVEL: 'info' });
  }, 60_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) await kill(server, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the store while orders flow; the restored copy is consistent and has every order acknowledged before', async () => {
    const base = server.url!;
    const tokens: string[] = [];
    for (let i = 0; i < LANES.length; i++) tokens.push(await signIn(base, `1370000${String(1000 + i)}`));
    // Each lane places orders on a carrier of its own (so lanes never race for a number) and cancels every third.
    const acked: { id: string; at: number }[] = [];
    const sent: { id: string; sentAt: number }[] = [];
    let stop = false;
    let seq = 0;
    const lane = async (l: number) => {
      while (!stop) {
        const n = seq++;
        const numbers = (await call(base, 'GET', `/api/v1/numbers?carrier=${LANES[l]!.carrier}&limit=1`)).body.numbers;
        const sentAt = performance.now();
        const r = await call(base, 'POST', '/api/v1/orders', tokens[l], { planId: LANES[l]!.planId, numberId: numbers[0].id, contactName: '孙八', contactPhone: '13700000000', residentId: residentId(3000 + n), address: ADDRESS });
        expect(r.status).toBe(201);
        acked.push({ id: r.body.id, at: performance.now() });
        sent.push({ id: r.body.id, sentAt });
        if (n % 3 === 0) expect((await call(base, 'POST', `/api/v1/orders/${r.body.id}/cancel`, tokens[l], { confirm: true })).status).toBe(200);
      }
    };
    let failure: unknown = null;
    const lanes = LANES.map((_l, i) => lane(i).catch((e) => { failure = e; stop = true; }));
    const waitFor = async (n: number) => {
      while (acked.length < n) {
        if (failure) throw failure;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await waitFor(20);

    const began = performance.now();
    const ackedBefore = acked.filter((o) => o.at < began).map((o) => o.id);
    const taken = await runHaoka(['backup', backup()], env);
    const ended = performance.now();
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toMatch(/^backed up .* orders, schema \d{3}_/);
    // The copy was taken while the lanes went on: orders were acknowledged during it, and after it.
    expect(acked.some((o) => o.at > began && o.at < ended)).toBe(true);
    await waitFor(acked.length + 8);
    stop = true;
    await Promise.all(lanes);
    if (failure) throw failure;

    const restored = at('restored.db');
    const r = await runHaoka(['restore', backup()], restored);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^restored .* schema is current/);
    const check = await runHaoka(['check'], restored);
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/ 0 violation\(s\)/);
    const copy = orderIds(restored.HAOKA_DATABASE_URL);
    expect(ackedBefore.filter((id) => !copy.has(id))).toEqual([]);
    // One moment of the store: nothing asked for after the copy was done is in it.
    expect(sent.filter((o) => o.sentAt > ended && copy.has(o.id)).map((o) => o.id)).toEqual([]);
    expect(copy.size).toBeLessThan(orderIds(source()).size);
  }, 180_000);

  it('keeps an existing file unless told to replace it', async () => {
    const file = join(dir, 'taken.db');
    writeFileSync(file, 'not to be lost');
    const refused = await runHaoka(['backup', file], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('BACKUP.FILE_EXISTS');
    expect(readFileSync(file, 'utf8')).toBe('not to be lost');
    const forced = await runHaoka(['backup', file, '--force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(orderIds(file).size).toBe(orderIds(source()).size);
  }, 120_000);

  it('refuses to restore into a store that has data, and leaves it as it was', async () => {
    const before = orderIds(source()).size;
    const r = await runHaoka(['restore', backup()], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('RESTORE.TARGET_NOT_EMPTY');
    expect(orderIds(source()).size).toBe(before);
  }, 120_000);

  it('refuses a file that is not a Haoka store, or one from a newer version', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const text = await runHaoka(['restore', join(dir, 'notes.txt')], at('a.db'));
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('RESTORE.NOT_A_STORE');

    const other = new SqliteDatabase(join(dir, 'other.db'));
    other.exec('create table things (id integer primary key)');
    other.close();
    const foreign = await runHaoka(['restore', join(dir, 'other.db')], at('b.db'));
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('RESTORE.NOT_A_STORE');

    copyFileSync(backup(), join(dir, 'newer.db'));
    const newer = new SqliteDatabase(join(dir, 'newer.db'));
    newer.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('999_from_a_newer_version', new Date().toISOString());
    newer.close();
    const refused = await runHaoka(['restore', join(dir, 'newer.db')], at('c.db'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('RESTORE.NEWER_STORE');
    expect(refused.stderr).toContain('999_from_a_newer_version');
    for (const name of ['a.db', 'b.db', 'c.db']) expect(existsSync(join(dir, name))).toBe(false);
  }, 150_000);

  it('brings a backup from an older version up to the current schema', async () => {
    copyFileSync(backup(), join(dir, 'older.db'));
    const older = new SqliteDatabase(join(dir, 'older.db'));
    older.exec(`drop index idempotency_keys_created; delete from kysely_migration where name = '012_idempotency_expiry'`);
    older.close();
    const target = at('from-older.db');
    const r = await runHaoka(['restore', join(dir, 'older.db')], target);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('applied: 012_idempotency_expiry');
    const db = new SqliteDatabase(target.HAOKA_DATABASE_URL, { readonly: true });
    expect(db.prepare(`select 1 from sqlite_master where type = 'index' and name = 'idempotency_keys_created'`).get()).toBeDefined();
    db.close();
    expect((await runHaoka(['check'], target)).code).toBe(0);
  }, 150_000);

  it('points at pg_dump and pg_restore for a PostgreSQL store', async () => {
    const pg = { ...env, HAOKA_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/haoka' };
    const b = await runHaoka(['backup', join(dir, 'pg.dump')], pg);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/BACKUP\.POSTGRES: .*pg_dump -Fc/);
    const r = await runHaoka(['restore', backup()], pg);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/RESTORE\.POSTGRES: .*pg_restore/);
    expect(existsSync(join(dir, 'pg.dump'))).toBe(false);
  }, 120_000);
});
