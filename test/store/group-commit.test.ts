// The embedded store lets transactions that queue up share one commit; none of them is answered before it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/store/db.ts';
import { migrate } from '../../src/adapters/store/migrations/index.ts';
import { Store } from '../../src/adapters/store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'haoka-group-'));
let store: Store;
beforeAll(async () => {
  const db = openDatabase(join(dir, 'haoka.db'));
  await migrate(db);
  store = new Store(db);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const setting = async (key: string) => (await store.platform.getSettings())[key];
const put = (key: string) => (r: Parameters<Parameters<Store['tx']>[0]>[0]) => r.platform.putSetting(key, 'on', 'test', 0);
const turns = async (n: number) => { for (let i = 0; i < n; i++) await new Promise((res) => setImmediate(res)); };

describe('group commit on the embedded store', () => {
  it('answers a transaction only once the commit it shares with a later one is done', async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => { release = res; });
    let firstDone = false;
    const first = store.tx(put('a')).then(() => { firstDone = true; });
    const second = store.tx(async (r) => {
      await put('b')(r);
      await gate;
    });
    await turns(5);
    // The first has run, but its commit waits for the second: it is not answered, and nobody outside sees it.
    expect(firstDone).toBe(false);
    expect(await setting('a')).toBeUndefined();
    release();
    await Promise.all([first, second]);
    expect(await setting('a')).toBe('on');
    expect(await setting('b')).toBe('on');
  });

  it('answers a write made outside any transaction once it is committed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => { release = res; });
    const held = store.tx(async () => { await gate; });
    let written = false;
    const write = store.platform.putSetting('c', 'on', 'test', 0).then(() => { written = true; });
    await turns(5);
    expect(written).toBe(false);
    release();
    await Promise.all([held, write]);
    expect(await setting('c')).toBe('on');
  });
});

describe('group commit at synchronous=FULL', () => {
  /** A store whose WAL syncs wait until the test lets each one finish (or fail). */
  async function heldSyncs(name: string) {
    const db = openDatabase(join(dir, name));
    await migrate(db);
    const real = db.sqlite!.walSync!;
    const syncs: { done: () => void; fail: (e: Error) => void }[] = [];
    db.sqlite!.walSync = { sync: () => new Promise<void>((done, fail) => syncs.push({ done, fail })), close: () => real.close() };
    return { s: new Store(db), syncs, db };
  }

  it('answers a transaction only once the WAL is on disk, and the next group commits while that sync runs', async () => {
    const { s, syncs, db } = await heldSyncs('synced.db');
    try {
      let firstDone = false;
      const first = s.tx(put('x')).then(() => { firstDone = true; });
      await turns(5);
      expect(syncs).toHaveLength(1);
      expect(firstDone).toBe(false);
      let secondDone = false;
      const second = s.tx(put('y')).then(() => { secondDone = true; });
      await turns(5);
      // The second group has committed during the first sync; it waits for a sync of its own, which waits for the first.
      expect((await s.platform.getSettings()).y).toBe('on');
      expect(syncs).toHaveLength(1);
      syncs[0]!.done();
      await first;
      await turns(5);
      expect(secondDone).toBe(false);
      expect(syncs).toHaveLength(2);
      syncs[1]!.done();
      await second;
      // Between groups the connection is back at FULL, for statements run straight on it.
      expect(db.sqlite!.writer.raw.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('does not answer a transaction as done when its WAL sync fails', async () => {
    const { s, syncs } = await heldSyncs('failing.db');
    try {
      const tx = s.tx(put('z'));
      await turns(5);
      syncs[0]!.fail(new Error('EIO: i/o error, fdatasync'));
      await expect(tx).rejects.toThrow('EIO');
    } finally {
      await s.close();
    }
  });
});
