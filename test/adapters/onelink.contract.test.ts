// The OneLink adapter against the fake OneLink platform on 127.0.0.1, over HTTP: the adapter cannot tell the fake
// from China Mobile's platform (only the address and the keys differ). Tokens taken, kept and taken again, wrong
// keys, unknown cards, activation carried out later, closure, the daily usage feed, and the fake's memory across
// a restart; the answers kept as fixtures are read by the same client.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/clock.ts';
import { OneLinkIotCarrier } from '../../src/adapters/iot/onelink/carrier.ts';
import { OneLinkClient, OneLinkRefusal } from '../../src/adapters/iot/onelink/client.ts';
import { FakeOneLink } from '../../src/adapters/iot/onelink/fake.ts';
import { FakeOneLinkBook } from '../../src/adapters/iot/onelink/fake-book.ts';
import { beijingStamp, parseBeijingStamp, transid } from '../../src/adapters/iot/onelink/protocol.ts';
import { serveLocal, type LocalServer } from '../../src/adapters/sim/local-server.ts';
import { iccidOf, iccidRange } from '../../src/domain/iot/stock.ts';

const ACCOUNT = { appid: '2002163782', password: 'test-onelink-password' };
const RANGE = { firstBody: '8986001900000000000', firstNumber: '1440000000000', size: 1000 };
const cards = iccidRange(RANGE.firstBody, 200);
const msisdn = (i: number) => String(1440000000000 + i);
const DAY_MS = 86_400_000;

let clock: FakeClock;
let dir: string;
let fake: FakeOneLink;
let url: string;

async function startFake(opts: { activationDelayMs?: number; tokenTtlS?: number } = {}): Promise<void> {
  const book = new FakeOneLinkBook(clock, [RANGE], { journalPath: join(dir, 'onelink.db'), activationDelayMs: opts.activationDelayMs ?? 0 });
  fake = new FakeOneLink({ ...ACCOUNT, ...(opts.tokenTtlS ? { tokenTtlS: opts.tokenTtlS } : {}) }, book);
  url = await fake.start();
}
const client = (over: Partial<typeof ACCOUNT> = {}) => new OneLinkClient({ url, ...ACCOUNT, ...over }, clock);
const carrier = (c = client(), pollAttempts = 2) => new OneLinkIotCarrier(c, { pollAttempts, pollIntervalMs: 0 });
const activation = (i: number, no = `job-1:card-${i}`) => ({ activationNo: no, iccid: cards[i]!, msisdn: msisdn(i) });

beforeEach(() => {
  clock = new FakeClock();
  dir = mkdtempSync(join(tmpdir(), 'haoka-onelink-'));
});
afterEach(async () => {
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the OneLink client against the fake platform', () => {
  it('takes a token once, keeps it for its ttl, and takes a new one when it runs out', async () => {
    await startFake({ tokenTtlS: 3600 });
    const c = client();
    const first = await c.currentToken();
    expect((await c.simStatus(cards[0]!)).cardStatus).toBe('1');
    clock.advance(30 * 60_000);
    expect(await c.currentToken()).toBe(first);
    clock.advance(31 * 60_000);
    const second = await c.currentToken();
    expect(second).not.toBe(first);
    expect(fake.answer('/v5/ec/query/sim-status', { transid: transid(ACCOUNT.appid, clock.now(), 1), token: first, iccid: cards[0]! }).status).toBe('12021');
  });

  it('takes a new token at once when the platform no longer knows the one it holds (12021)', async () => {
    await startFake();
    const c = client();
    const first = await c.currentToken();
    fake.book.forgetTokens();
    expect((await c.simStatus(cards[1]!)).cardStatus).toBe('1');
    expect(await c.currentToken()).not.toBe(first);
  });

  it('is refused with 12022 for a wrong password, and with 12004 for a transid not of the published form', async () => {
    await startFake();
    const refusal = await client({ password: 'wrong' }).simStatus(cards[0]!).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(OneLinkRefusal);
    expect((refusal as OneLinkRefusal).code).toBe('12022');
    const res = await fetch(`${url}/v5/ec/get/token?appid=${ACCOUNT.appid}&password=${ACCOUNT.password}&transid=12345`);
    expect(await res.json()).toMatchObject({ status: '12004' });
  });

  it('hears 12010 for a card the platform does not know and 12009 for a China Mobile card of someone else', async () => {
    await startFake();
    const c = client();
    const code = (iccid: string) => c.simStatus(iccid).then(() => 'none', (e: OneLinkRefusal) => e.code);
    expect(await code(iccidOf('8986031900000000001'))).toBe('12010');
    expect(await code(iccidOf('8986002200000000001'))).toBe('12009');
    expect(await carrier(c).activate({ activationNo: 'x', iccid: iccidOf('8986031900000000001'), msisdn: '1410000000001' }))
      .toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/^12010 /) });
  });
});

describe('the OneLink adapter against the fake platform', () => {
  it('leaves a card whose activation job has not run yet for the next pass, then reports it activated once', async () => {
    await startFake({ activationDelayMs: 60_000 });
    const takenAt = clock.now();
    const a = carrier();
    expect(await a.activate(activation(3))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^ACTIVATION_PENDING/) });
    expect(fake.book.activationsOf(cards[3]!)).toBe(0);
    // Restarted meanwhile, the adapter no longer holds the job: the platform refuses the same card within 3 minutes.
    expect(await carrier().activate(activation(3))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^12090 /) });
    clock.advance(61_000);
    const done = await a.activate(activation(3));
    expect(done).toEqual({ status: 'activated', at: parseBeijingStamp(beijingStamp(takenAt + 60_000)) });
    // Asked again, under another number too: nothing more is activated.
    expect(await carrier().activate(activation(3, 'job-2:card-3'))).toEqual(done);
    expect(fake.book.activationsOf(cards[3]!)).toBe(1);
  });

  it('records the platform\u2019s reason for a card it refuses, and leaves a card for later when it is busy', async () => {
    await startFake();
    fake.book.refusals.set(cards[4]!, { code: '12089', message: '该卡片不是待激活、已激活、已停机,无法进行操作' });
    const a = carrier();
    expect(await a.activate(activation(4))).toEqual({ status: 'failed', retryable: false, error: '12089 该卡片不是待激活、已激活、已停机,无法进行操作' });
    fake.book.busyNext = 1;
    expect(await a.activate(activation(5))).toMatchObject({ status: 'failed', retryable: true, error: expect.stringMatching(/^SYSTEM_BUSY/) });
    expect(await a.activate(activation(5))).toMatchObject({ status: 'activated' });
  });

  it('activates many cards as batch changes of 100, each card answered in the order asked', async () => {
    await startFake({ activationDelayMs: 5_000 });
    fake.book.refusals.set(cards[20]!, { code: '12089', message: '该卡片不是待激活、已激活、已停机,无法进行操作' });
    const asked = [...Array.from({ length: 150 }, (_, k) => activation(10 + k, `job-3:card-${10 + k}`)), { activationNo: 'job-3:stranger', iccid: iccidOf('8986031900000000001'), msisdn: '1410000000001' }];
    const a = carrier();
    const first = await a.activateMany(asked);
    expect(first.every((x) => x.status === 'failed' && x.retryable === (x.error.startsWith('ACTIVATION_PENDING')))).toBe(true);
    expect(first.at(-1)).toMatchObject({ retryable: false, error: expect.stringMatching(/^12010 /) });
    clock.advance(5_000);
    const done = await a.activateMany(asked);
    expect(done.filter((x) => x.status === 'activated')).toHaveLength(149);
    expect(done[10]).toEqual({ status: 'failed', retryable: false, error: '12089 该卡片不是待激活、已激活、已停机,无法进行操作' });
    expect(fake.book.job('20000000001')!.iccids).toHaveLength(100);
    expect(fake.book.job('20000000002')!.iccids).toHaveLength(50);
    expect(cards.slice(10, 160).map((c) => fake.book.activationsOf(c)).filter((n) => n !== 1)).toEqual([0]);
  });

  it('closes an active line by stopping it, and closing it again changes nothing', async () => {
    await startFake();
    const a = carrier();
    await a.activate(activation(6));
    // The platform takes no second change of a card within 3 minutes: the closure waits for its next pass.
    expect(await a.closeLine({ closeNo: 'c-1', iccid: cards[6]!, msisdn: msisdn(6) })).toEqual({ status: 'failed', error: expect.stringMatching(/^12090 /) });
    clock.advance(4 * 60_000);
    expect(await a.closeLine({ closeNo: 'c-1', iccid: cards[6]!, msisdn: msisdn(6) })).toEqual({ status: 'closed' });
    expect(fake.book.isStopped(cards[6]!)).toBe(true);
    expect(await a.closeLine({ closeNo: 'c-1', iccid: cards[6]!, msisdn: msisdn(6) })).toEqual({ status: 'closed' });
    // A stopped line is not activated again by a later activation request.
    expect(await a.activate(activation(6, 'job-9:card-6'))).toMatchObject({ status: 'failed', retryable: false, error: expect.stringMatching(/^LINE_CLOSED/) });
  });

  it('reads each card\u2019s daily usage in KB as MB rounded up, 100 cards a call, for the last 7 days up to yesterday', async () => {
    await startFake();
    const a = carrier();
    for (const i of [0, 1, 2]) await a.activate(activation(i));
    const day = beijingStamp(clock.now()).slice(0, 10);
    const c = client();
    await expect(c.dataUsageDaily([cards[0]!], day.replaceAll('-', ''))).rejects.toMatchObject({ code: '11000' });
    clock.advance(DAY_MS);
    const asked = cards.slice(0, 150);
    const report = await a.dailyUsage(day, asked);
    expect(report.map((l) => l.iccid)).toEqual(asked);
    const kb = await c.dataUsageDaily(cards.slice(0, 3), day.replaceAll('-', ''));
    expect(report.slice(0, 3).map((l) => l.usedMb)).toEqual(kb.map((l) => Math.ceil(l.kb / 1024)));
    expect(report.slice(3).every((l) => l.usedMb === 0)).toBe(true);
    expect(report.slice(0, 3).some((l) => l.usedMb > 0)).toBe(true);
    expect(await a.dailyUsage(day, asked)).toEqual(report);
    fake.book.dailyMb = 900;
    expect((await a.dailyUsage(day, [cards[0]!]))[0]).toEqual({ iccid: cards[0], usedMb: 900 });
    clock.advance(7 * DAY_MS);
    await expect(a.dailyUsage(day, [cards[0]!])).rejects.toMatchObject({ code: '11000' });
  });

  it('remembers its cards, jobs and tokens across a restart of the platform', async () => {
    await startFake({ activationDelayMs: 10_000 });
    const c = client();
    await carrier(c).activate(activation(7));
    const token = await c.currentToken();
    await fake.stop();
    clock.advance(11_000);
    await startFake({ activationDelayMs: 10_000 });
    expect(fake.book.activationsOf(cards[7]!)).toBe(1);
    expect(fake.answer('/v5/ec/query/sim-status', { transid: transid(ACCOUNT.appid, clock.now(), 2), token, iccid: cards[7]! })).toMatchObject({ status: '0', result: [{ cardStatus: '2' }] });
  });
});

describe('the platform\u2019s answers kept as fixtures', () => {
  const sample = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/partners/onelink', name), 'utf8')) as unknown;
  let server: LocalServer;
  afterEach(async () => { await server?.close(); });

  /** A platform that answers each path with the fixture named for it. */
  async function answering(byPath: Record<string, string>): Promise<OneLinkClient> {
    server = await serveLocal((req) => ({ status: 200, body: sample(byPath[new URL(req.url, 'http://x').pathname] ?? 'token-expired.json') }));
    return new OneLinkClient({ url: server.url, ...ACCOUNT }, clock);
  }

  it('reads the token, the card\u2019s status and activation date, the job and its per-card results, and the usage', async () => {
    clock = new FakeClock();
    const c = await answering({
      '/v5/ec/get/token': 'get-token.answer.json', '/v5/ec/query/sim-status': 'sim-status.answer.json',
      '/v5/ec/query/sim-basic-info': 'sim-basic-info.answer.json', '/v5/ec/change/sim-status/batch': 'change-sim-status-batch.answer.json',
      '/v5/ec/query/sim-batch-result': 'sim-batch-result.answer.json', '/v5/ec/query/sim-data-usage-daily/batch': 'sim-data-usage-daily.answer.json',
    });
    expect(await c.currentToken()).toBe('4962ad69adcbf490c9f749fff734b5706a874ebab1120aaa23c9d288290534ca');
    expect(await c.simStatus('89860019000000001230')).toEqual({ cardStatus: '2', lastChangeDate: '2026-11-20 09:31:05' });
    expect(parseBeijingStamp((await c.simBasicInfo('89860019000000001230')).activeDate!)).toBe(Date.UTC(2026, 10, 20, 1, 31, 5));
    expect(await c.changeSimStatusBatch(['89860019000000001230'], '6', 'x')).toBe('20000000017');
    expect((await c.batchResult('20000000017')).resultList.map((r) => r.resultCode)).toEqual(['0', '12089']);
    expect(await c.dataUsageDaily(['89860019000000001230', '89860019000000001248'], '20261120')).toEqual([
      { iccid: '89860019000000001230', kb: 20480.5 }, { iccid: '89860019000000001248', kb: 0 },
    ]);
    expect(await new OneLinkIotCarrier(c).dailyUsage('2026-11-20', ['89860019000000001230'])).toEqual([
      { iccid: '89860019000000001230', usedMb: 21 }, { iccid: '89860019000000001248', usedMb: 0 },
    ]);
  });

  it('reads the refusals: a wrong password and a token that ran out', async () => {
    clock = new FakeClock();
    const c = await answering({ '/v5/ec/get/token': 'get-token.bad-password.json' });
    await expect(c.currentToken()).rejects.toMatchObject({ code: '12022', platformMessage: 'appid或password鉴权不通过' });
    const d = await (async () => { await server.close(); return answering({ '/v5/ec/get/token': 'get-token.answer.json' }); })();
    await expect(d.simStatus('89860019000000001230')).rejects.toMatchObject({ code: '12021' });
  });
});
