// The carrier adapter against the fake carrier on 127.0.0.1, both speaking the md5kv wire: the printed samples
// read and signed as documented; releases idempotent by release number through busy answers, batching and a lost
// answer; closures idempotent by closure number; bad signatures, stale timestamps and unknown fields refused by
// the carrier; and pushes believed only with the carrier's key, resent (same event, fresh nonce) until acknowledged.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/clock.ts';
import { Md5kvCarrier } from '../../src/adapters/carrier/md5kv/client.ts';
import { CARRIER_METHODS, RESULT, signed } from '../../src/adapters/carrier/md5kv/protocol.ts';
import { FakeCarrier } from '../../src/adapters/carrier/md5kv/fake/fake-carrier.ts';
import { answerCarrier, serveFakeCarrier, type FakeCarrierServer } from '../../src/adapters/carrier/md5kv/fake/server.ts';
import { isError } from '../../src/domain/errors.ts';
import type { CarrierNotice } from '../../src/app/platform/ports.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/partners/carrier-md5kv/${name}`, import.meta.url), 'utf8');
const sample = JSON.parse(fixture('sample.json')) as { secret: string; appId: string; now: number };
const codeOf = (v: unknown) => (isError(v as never) ? (v as { code: string }).code : 'ok');
const MIN = 60_000;

describe('carrier md5kv: the samples', () => {
  const clock = new FakeClock(sample.now);
  const port = new Md5kvCarrier({ url: 'http://127.0.0.1:1', appId: sample.appId, secret: sample.secret, clock });

  it('answers the sample requests as the sample answers show', () => {
    const fake = new FakeCarrier(sample.appId, sample.secret, clock);
    const ask = (path: string, name: string) => answerCarrier(fake, sample.secret, clock, path, fixture(name));
    expect(ask(CARRIER_METHODS.release, 'release-request.json')).toEqual(JSON.parse(fixture('release-answer-done.json')));
    fake.setLine('13812340001', 'suspended', { push: false });
    expect(ask(CARRIER_METHODS.query, 'query-request.json')).toEqual(JSON.parse(fixture('query-answer.json')));
    expect(ask(CARRIER_METHODS.close, 'close-request.json')).toEqual(JSON.parse(fixture('close-answer.json')));
    fake.delayMs = MIN;
    const later = JSON.stringify(signed({ ...JSON.parse(fixture('release-request.json')), sign: undefined, releaseNo: 'NR0MIGH3K0000002' }, sample.secret));
    expect(answerCarrier(fake, sample.secret, clock, CARRIER_METHODS.release, later)).toEqual({ ...JSON.parse(fixture('release-answer-processing.json')), data: { releaseNo: 'NR0MIGH3K0000002', status: 'PROCESSING' } });
    fake.failNext = 1;
    expect(answerCarrier(fake, sample.secret, clock, CARRIER_METHODS.close, fixture('close-request.json').replace('CL0MIGH3K0000001', 'CL0MIGH3K0000009'))).toEqual({ result: RESULT.signError, msg: 'sign error', data: null });
    const other = JSON.stringify(signed({ ...JSON.parse(fixture('close-request.json')), sign: undefined, closeNo: 'CL0MIGH3K0000009' }, sample.secret));
    expect(answerCarrier(fake, sample.secret, clock, CARRIER_METHODS.close, other)).toEqual(JSON.parse(fixture('busy-answer.json')));
  });

  it('believes the sample pushes with the carrier\u2019s key and app id, and refuses them otherwise', () => {
    expect(port.verifyCallback({}, fixture('push-activated.json'), sample.now)).toEqual({
      nonce: '5f2b9c0e7d1a4c3b8e6f0a9d2c4b7e1f', eventId: 'CE0000000001', number: '13812340001', status: 'activated', occurredAt: 1764209350000, detail: null,
    } satisfies CarrierNotice);
    expect(port.verifyCallback({}, fixture('push-real-name-failed.json'), sample.now)).toMatchObject({ status: 'real_name_failed', detail: 'ID_PHOTO_MISMATCH' });
    const otherKey = new Md5kvCarrier({ url: 'http://127.0.0.1:1', appId: sample.appId, secret: 'another-secret-0123456789', clock });
    expect(codeOf(otherKey.verifyCallback({}, fixture('push-activated.json'), sample.now))).toBe('CALLBACK.BAD_SIGNATURE');
    const otherApp = new Md5kvCarrier({ url: 'http://127.0.0.1:1', appId: 'C999999', secret: sample.secret, clock });
    expect(codeOf(otherApp.verifyCallback({}, fixture('push-activated.json'), sample.now))).toBe('CALLBACK.BAD_SIGNATURE');
    expect(codeOf(port.verifyCallback({}, fixture('push-activated.json').replace('"activated"', '"closed"'), sample.now))).toBe('CALLBACK.BAD_SIGNATURE');
    expect(codeOf(port.verifyCallback({}, fixture('push-activated.json'), sample.now + 6 * MIN))).toBe('CALLBACK.REPLAYED');
    expect(codeOf(port.verifyCallback({}, fixture('push-activated.json'), sample.now - 6 * MIN))).toBe('CALLBACK.REPLAYED');
    expect(codeOf(port.verifyCallback({}, 'status=activated', sample.now))).toBe('REQUEST.MALFORMED_JSON');
    const unknown = JSON.stringify(signed({ ...JSON.parse(fixture('push-activated.json')), sign: undefined, status: 'ported_out' }, sample.secret));
    expect(codeOf(port.verifyCallback({}, unknown, sample.now))).toBe('CALLBACK.UNKNOWN_KIND');
  });
});

describe('carrier md5kv: the client against the fake carrier', () => {
  const SECRET = 'carrier-contract-secret-0123456789';
  const clock = new FakeClock();
  const fake = new FakeCarrier('C300001', SECRET, clock, 7, 2);
  let server: FakeCarrierServer;
  let port: Md5kvCarrier;
  const post = async (path: string, body: unknown) => (await fetch(`${server.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) })).json() as Promise<{ result: number; msg: string }>;
  const fields = (extra: Record<string, unknown>) => ({ appId: 'C300001', timestamp: String(Math.floor(clock.now() / 1000)), ...extra });
  const release = (releaseNo: string, number: string) => port.releaseNumber({ releaseNo, carrier: 'china_mobile', number });

  beforeAll(async () => {
    server = await serveFakeCarrier(fake, SECRET, clock);
    port = new Md5kvCarrier({ url: server.url, appId: 'C300001', secret: SECRET, clock, timeoutMs: 300 });
  });
  afterAll(async () => { await server.close(); });

  it('releases a number once however often it is asked, through busy answers', async () => {
    expect(await release('NR1', '13800000001')).toEqual({ status: 'released' });
    expect(await release('NR1', '13800000001')).toEqual({ status: 'released' });
    fake.failNext = 2;
    expect(await release('NR2', '13800000002')).toMatchObject({ status: 'failed', retryable: true, error: expect.stringContaining('50000') });
    expect(await release('NR2', '13800000002')).toMatchObject({ status: 'failed', retryable: true });
    expect(await release('NR2', '13800000002')).toEqual({ status: 'released' });
    expect([fake.releasesOf.get('13800000001'), fake.releasesOf.get('13800000002'), fake.calls.get('NR2')]).toEqual([1, 1, 3]);
  });

  it('answers pending while the carrier batches the release, then released, releasing once', async () => {
    fake.delayMs = 30 * MIN;
    expect(await release('NR3', '13800000003')).toEqual({ status: 'pending' });
    clock.advance(10 * MIN);
    expect(await release('NR3', '13800000003')).toEqual({ status: 'pending' });
    clock.advance(20 * MIN);
    expect(await release('NR3', '13800000003')).toEqual({ status: 'released' });
    fake.delayMs = 0;
    expect(fake.releasesOf.get('13800000003')).toBe(1);
  });

  it('a release whose answer was lost is done once: the retry under the same number is answered released', async () => {
    fake.loseNext = 1;
    expect(await release('NR4', '13800000004')).toMatchObject({ status: 'failed', retryable: true, error: expect.stringContaining('no answer') });
    expect(fake.releasesOf.get('13800000004')).toBe(1);
    expect(await release('NR4', '13800000004')).toEqual({ status: 'released' });
    expect(fake.releasesOf.get('13800000004')).toBe(1);
  });

  it('keeps the newest completed releases and answers an older release number as done, without releasing again', async () => {
    expect([...fake.released.keys()]).toEqual(['NR3', 'NR4']);
    expect(await release('NR1', '13800000001')).toEqual({ status: 'released' });
    expect(fake.releasesOf.get('13800000001')).toBe(1);
  });

  it('closes a line once by its closure number, refuses while busy, and reports lines as the carrier sees them', async () => {
    expect(await port.queryLine('13900000001')).toBe('inactive');
    await fake.activate('13900000001', { send: false });
    expect(await port.queryLine('13900000001')).toBe('activated');
    fake.failNext = 1;
    expect(await port.closeLine({ closeNo: 'CL1', number: '13900000001' })).toMatchObject({ status: 'failed', error: expect.stringContaining('50000') });
    expect(await port.queryLine('13900000001')).toBe('activated');
    expect(await port.closeLine({ closeNo: 'CL1', number: '13900000001' })).toEqual({ status: 'closed' });
    fake.failNext = 1;
    expect(await port.closeLine({ closeNo: 'CL1', number: '13900000001' })).toEqual({ status: 'closed' });
    fake.failNext = 0;
    expect(await port.queryLine('13900000001')).toBe('closed');
  });

  it('refuses a bad signature, another app, a stale or future timestamp, an unknown field and a GET', async () => {
    const good = signed(fields({ number: '13900000001' }), SECRET);
    expect((await post(CARRIER_METHODS.query, good)).result).toBe(RESULT.success);
    expect((await post(CARRIER_METHODS.query, { ...good, number: '13900000002' })).result).toBe(RESULT.signError);
    expect((await post(CARRIER_METHODS.query, signed(fields({ number: '13900000001' }), 'another-secret'))).result).toBe(RESULT.signError);
    expect((await post(CARRIER_METHODS.query, signed({ ...fields({ number: '13900000001' }), appId: 'C999' }, SECRET))).result).toBe(RESULT.appInvalid);
    for (const skew of [-10 * MIN, 10 * MIN]) {
      const at = String(Math.floor((clock.now() + skew) / 1000));
      expect(await post(CARRIER_METHODS.query, signed({ ...fields({ number: '13900000001' }), timestamp: at }, SECRET))).toMatchObject({ result: RESULT.paramsError, msg: 'timestamp expired' });
    }
    expect(await post(CARRIER_METHODS.query, signed(fields({ number: '13900000001', iccid: '8986' }), SECRET))).toMatchObject({ result: RESULT.paramsError, msg: expect.stringContaining('iccid') });
    expect((await post(CARRIER_METHODS.release, signed(fields({ releaseNo: 'NR9', number: 'x' }), SECRET))).result).toBe(RESULT.paramsError);
    expect((await post(CARRIER_METHODS.query, 'number=1')).result).toBe(RESULT.paramsError);
    expect((await post('/line/port-out', good)).result).toBe(RESULT.paramsError);
    expect((await (await fetch(`${server.url}${CARRIER_METHODS.query}`)).json()).result).toBe(RESULT.paramsError);
  });

  it('pushes signed statuses the client believes, and resends an unacknowledged one with the same event and a fresh nonce until acknowledged', async () => {
    const received: CarrierNotice[] = [];
    let acknowledge = false;
    fake.deliver = async (body) => {
      const n = port.verifyCallback({}, body, clock.now());
      if (!isError(n)) received.push(n);
      return acknowledge && !isError(n);
    };
    await fake.activate('13900000005', { realNameFails: true });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ number: '13900000005', status: 'real_name_failed', detail: 'ID_PHOTO_MISMATCH', occurredAt: clock.now() });
    expect(fake.unacknowledged).toEqual([received[0]!.eventId]);
    expect(await fake.resendDue()).toBe(0);
    expect(received).toHaveLength(1);
    clock.advance(15_000);
    expect(await fake.resendDue()).toBe(0);
    expect(received.map((n) => n.eventId)).toEqual([received[0]!.eventId, received[0]!.eventId]);
    expect(received[1]!.nonce).not.toBe(received[0]!.nonce);
    acknowledge = true;
    clock.advance(60_000);
    expect(await fake.resendDue()).toBe(1);
    expect(fake.unacknowledged).toEqual([]);
    // Sent again by hand after the carrier's clock moved on: the old bytes are stale, the resend is not.
    const pushed = await fake.setLine('13900000005', 'suspended', { send: false });
    clock.advance(6 * MIN);
    expect(codeOf(port.verifyCallback({}, pushed!.body, clock.now()))).toBe('CALLBACK.REPLAYED');
    expect(port.verifyCallback({}, (await fake.resend(pushed!, { send: false })).body, clock.now())).toMatchObject({ status: 'suspended', eventId: JSON.parse(pushed!.body).eventId });
    fake.deliver = null;
  });
});
