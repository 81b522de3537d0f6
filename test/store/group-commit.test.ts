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
