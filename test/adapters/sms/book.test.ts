// The fake providers' message book: what a phone was sent, the carrier's reports in time, each report pulled once,
// the oldest forgotten past its size, and one journal shared by every process of the demo.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSmsBook } from '../../../src/adapters/sms/fake/book.ts';

const clockAt = (t: { now: number }) => ({ now: () => t.now });
const send = (book: FakeSmsBook, bizId: string, phone: string) => book.accept({ bizId, phone, signName: '号卡', template: 'T', text: '【号卡】hi', ref: bizId });
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('the fake SMS book', () => {
  it('counts a phone\'s messages per Beijing day, not other phones\' or other days\'', () => {
    // 2026-12-07 15:30 UTC is 23:30 in Beijing; an hour later it is the next Beijing day.
    const t = { now: Date.UTC(2026, 11, 7, 15, 30) };
    const book = new FakeSmsBook(clockAt(t));
    send(book, 'a', '13800000001');
    send(book, 'b', '13800000002');
    t.now += 3_600_000;
    send(book, 'c', '13800000001');
    expect(book.sentOnDay('13800000001', t.now)).toBe(1);
    expect(book.sentOnDay('13800000001', t.now - 3_600_000)).toBe(1);
    expect(book.toPhone('13800000001').map((m) => m.bizId)).toEqual(['a', 'c']);
    expect(book.inbox('13800000001').map((m) => m.bizId)).toEqual(['c', 'a']);
  });

  it('reports each message once its time has come, and a pull hands each report out once', () => {
    const t = { now: 1_000_000 };
    const book = new FakeSmsBook(clockAt(t), { deliverAfterMs: 5000 });
    book.failDeliveryTo('13800000002', 'MN:0001');
    send(book, 'a', '13800000001');
    t.now += 1000;
    send(book, 'b', '13800000002');
    t.now += 4500;
    expect(book.get('a')?.state).toBe('delivered');
    expect(book.get('b')?.state).toBe('sending');
    expect(book.pullReports(10).map((m) => m.bizId)).toEqual(['a']);
    t.now += 1000;
    expect(book.get('b')).toMatchObject({ state: 'failed', code: 'MN:0001', reportedAt: 1_006_000 });
    expect(book.pullReports(10).map((m) => m.bizId)).toEqual(['b']);
    expect(book.pullReports(10)).toEqual([]);
  });

  it('forgets the oldest reported messages past ten thousand, from every index', () => {
    const t = { now: 0 };
    const book = new FakeSmsBook(clockAt(t), { deliverAfterMs: 10, dailyLimit: 100_000 });
    for (let i = 0; i < 10_005; i++) {
      send(book, `m${i}`, i % 2 ? '13800000001' : '13800000002');
      t.now += 1;
    }
    expect(book.get('m0')).toBeUndefined();
    expect(book.get('m5')).toBeDefined();
    expect(book.toPhone('13800000002')[0]!.bizId).toBe('m6');
    expect(book.all()).toHaveLength(10_000);
  });

  it('shares what it knows with another process through its journal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'haoka-smsbook-'));
    dirs.push(dir);
    const t = { now: 1_000_000 };
    const one = new FakeSmsBook(clockAt(t), { journalPath: join(dir, 'sms.db'), deliverAfterMs: 5000 });
    const two = new FakeSmsBook(clockAt(t), { journalPath: join(dir, 'sms.db'), deliverAfterMs: 5000 });
    send(one, 'a', '13800000001');
    t.now += 6000;
    expect(two.inbox('13800000001').map((m) => [m.bizId, m.state])).toEqual([['a', 'delivered']]);
    expect(two.pullReports(10).map((m) => m.bizId)).toEqual(['a']);
    expect(one.pullReports(10)).toEqual([]);
    one.close();
    two.close();
  });
});
