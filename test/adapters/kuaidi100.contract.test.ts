// The Kuaidi100 adapter against the fake Kuaidi100 on 127.0.0.1, over HTTP: the adapter cannot tell the fake from
// Kuaidi100 (only the address and the keys differ). Subscriptions, signed pushes, states, the real-time query,
// e-waybills and interceptions; the documentation's own samples are read by the same code.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/clock.ts';
import { Kuaidi100Courier, readPush, type Kuaidi100Settings } from '../../src/adapters/courier/kuaidi100/client.ts';
import { FakeKuaidi100 } from '../../src/adapters/courier/kuaidi100/fake/fake-kuaidi100.ts';
import { serveFakeKuaidi100, type FakeKuaidi100Server } from '../../src/adapters/courier/kuaidi100/fake/server.ts';
import { kindOfState, parseBeijingTime, pushParamSchema, pushSign, querySign, subscribeAnswerSchema } from '../../src/adapters/courier/kuaidi100/protocol.ts';
import { isError } from '../../src/domain/errors.ts';

const ACCOUNT = { key: 'test-kuaidi100-key-1', customer: 'TESTCUSTOMER01', secret: 'test-kuaidi100-secret' };
const SALT = 'test-salt-0123';
const sample = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/partners/kuaidi100', name), 'utf8');

let clock: FakeClock;
let fake: FakeKuaidi100;
let server: FakeKuaidi100Server;
let courier: Kuaidi100Courier;
/** What reached our callback, in order. */
const received: string[] = [];
const settings = (over: Partial<Kuaidi100Settings> = {}): Kuaidi100Settings => ({
  ...ACCOUNT, salt: SALT, pollEndpoint: server.url, apiEndpoint: server.url, company: 'shunfeng',
  callbackUrl: 'https://haoka.example/api/v1/courier/kuaidi100/callback', partnerId: null, ...over,
});
const verify = (body: string) => courier.verifyCallback({}, body, clock.now());

beforeAll(async () => {
  clock = new FakeClock();
  fake = new FakeKuaidi100(ACCOUNT, clock);
  fake.deliver = async (_url, body) => { received.push(body); return true; };
  server = await serveFakeKuaidi100(fake);
  courier = new Kuaidi100Courier(settings(), clock);
});
afterAll(async () => { await server?.close(); });

async function subscribedWaybill(): Promise<string> {
  const { trackingNo } = await courier.createWaybill({ orderId: `O${received.length}${Math.random()}` });
  expect(await courier.subscribe({ trackingNo })).toEqual({ status: 'subscribed' });
  return trackingNo;
}

describe('subscription (poll)', () => {
  it('subscribes a waybill it issued, takes a repeat as already tracked, and refuses a wrong or expired key', async () => {
    const { trackingNo } = await courier.createWaybill({ orderId: 'O-sub-1' });
    expect(trackingNo).toMatch(/^SF\d{12}$/);
    expect(await courier.subscribe({ trackingNo })).toEqual({ status: 'subscribed' });
    expect(fake.parcels.get(trackingNo)?.subscription).toMatchObject({ status: 'polling', salt: SALT });
    // 501 重复订阅 while the waybill is still tracked: what a retry after a lost answer wanted.
    expect(await courier.subscribe({ trackingNo })).toEqual({ status: 'subscribed' });
    const stranger = new Kuaidi100Courier(settings({ key: 'not-our-key-0000' }), clock);
    expect(await stranger.subscribe({ trackingNo: 'SF000000000001' })).toMatchObject({ status: 'failed', retryable: true, error: expect.stringContaining('KUAIDI100_600') });
    fake.expiredKeys.add(ACCOUNT.key);
    expect(await courier.subscribe({ trackingNo: 'SF000000000002' })).toMatchObject({ status: 'failed', error: expect.stringContaining('KUAIDI100_601') });
    fake.expiredKeys.clear();
  });

  it('gives up on a waybill Kuaidi100 refuses for its data (700) and retries a busy Kuaidi100 (500)', async () => {
    const other = new Kuaidi100Courier(settings({ company: 'Not A Code' }), clock);
    expect(await other.subscribe({ trackingNo: 'SF000000000003' })).toMatchObject({ status: 'failed', retryable: false, error: expect.stringContaining('KUAIDI100_700') });
    fake.failNext = 1;
    expect(await courier.subscribe({ trackingNo: 'SF000000000004' })).toMatchObject({ status: 'failed', retryable: true, error: expect.stringContaining('KUAIDI100_500') });
  });

  it('reads every subscription answer the documentation lists', () => {
    const answers = JSON.parse(sample('subscribe-answers.json')) as Record<string, unknown>;
    for (const [code, a] of Object.entries(answers)) expect(subscribeAnswerSchema.parse(a).returnCode).toBe(code);
  });
});

describe('tracking pushes', () => {
  it('pushes each scan signed MD5(param + salt); the adapter reads the newest scan as our kind, in Beijing time', async () => {
    const nu = await subscribedWaybill();
    clock.advance(60_000);
    await fake.event(nu, 'picked_up');
    const n = verify(received.at(-1)!);
    expect(n).toMatchObject({ kind: 'picked_up', trackingNo: nu, nonce: null, wholeTrack: true, detail: expect.stringContaining('揽收') });
    // Kuaidi100 writes seconds: the scan is taken at the end of its second, never before the moment it happened.
    expect(!isError(n) && n.kind !== 'acknowledge' && n.occurredAt - clock.now()).toBeGreaterThanOrEqual(0);
    for (const [kind, state] of [['in_transit', '0'], ['out_for_delivery', '5'], ['delivered', '3']] as const) {
      clock.advance(3_600_000);
      await fake.event(nu, kind);
      const param = JSON.parse(new URLSearchParams(received.at(-1)!).get('param')!);
      expect(param.lastResult.state).toBe(state);
      expect(verify(received.at(-1)!)).toMatchObject({ kind });
    }
    // Signed for: Kuaidi100 stops monitoring (shutdown), and a new subscription is then taken again.
    expect(JSON.parse(new URLSearchParams(received.at(-1)!).get('param')!).status).toBe('shutdown');
  });

  it('refuses a push whose param or sign was changed, or that was signed with another salt', async () => {
    const nu = await subscribedWaybill();
    await fake.event(nu, 'picked_up');
    const form = new URLSearchParams(received.at(-1)!);
    const param = form.get('param')!;
    const forged = new URLSearchParams({ sign: form.get('sign')!, param: param.replace('"state":"1"', '"state":"3"') }).toString();
    expect(verify(forged)).toMatchObject({ kind: 'error', code: 'CALLBACK.BAD_SIGNATURE' });
    expect(verify(new URLSearchParams({ param }).toString())).toMatchObject({ code: 'CALLBACK.BAD_SIGNATURE' });
    expect(verify(new URLSearchParams({ sign: pushSign(param, 'another-salt'), param }).toString())).toMatchObject({ code: 'CALLBACK.BAD_SIGNATURE' });
    // The same bytes again are the same event: the platform acknowledges them as a duplicate.
    expect(verify(received.at(-1)!)).toMatchObject({ eventId: (verify(received.at(-1)!) as { eventId: string }).eventId });
  });

  it('maps Kuaidi100 states and resultv2 sub-states to our kinds', () => {
    expect(['0', '1', '2', '3', '4', '5', '6', '7', '14'].map((s) => kindOfState(s))).toEqual(
      ['in_transit', 'picked_up', 'exception', 'delivered', 'returned_to_sender', 'out_for_delivery', 'in_transit', 'in_transit', 'exception']);
    expect(kindOfState('0', '1002')).toBe('in_transit');
    expect(kindOfState('5', '501')).toBe('out_for_delivery');
    expect(kindOfState('3', '304')).toBe('delivered');
    // An e-waybill ordered but not picked up yet is nothing to track; a cancelled waybill is trouble, not a return.
    expect(kindOfState('1', '101')).toBeNull();
    expect(kindOfState('4', '401')).toBe('exception');
    expect(kindOfState('99')).toBeUndefined();
  });

  it('pushes the whole track once a waybill scanned before its subscription is subscribed', async () => {
    const { trackingNo } = await courier.createWaybill({ orderId: 'O-late-sub' });
    const before = received.length;
    await fake.event(trackingNo, 'picked_up');
    expect(received.length).toBe(before);
    await courier.subscribe({ trackingNo });
    expect(received.length).toBe(before + 1);
    expect(verify(received.at(-1)!)).toMatchObject({ kind: 'picked_up', trackingNo });
  });
});

describe('the documentation\u2019s push sample', () => {
  const param = sample('push-param.json');

  it('parses: state 0 在途, newest scan first, its time Beijing wall-clock to the second', () => {
    const p = pushParamSchema.parse(JSON.parse(param));
    expect(p).toMatchObject({ status: 'polling', lastResult: { nu: 'V030344422', com: 'yuantong', state: '0' } });
    expect(kindOfState(p.lastResult.state)).toBe('in_transit');
    expect(parseBeijingTime(p.lastResult.data[0]!.ftime)).toBe(Date.UTC(2012, 7, 28, 8, 33, 19));
  });

  it('verifies its signature over the exact param text and refuses the 2012 scan as no time of one of our parcels', () => {
    const signed = new URLSearchParams({ sign: pushSign(param, SALT), param }).toString();
    expect(verify(signed)).toMatchObject({ code: 'CALLBACK.INVALID_FIELD', details: { field: 'ftime' } });
    // The same sample moved into our years reads as an in-transit scan of V030344422.
    expect(readPush(param.replaceAll('2012-08-2', '2026-08-2'))).toMatchObject({ kind: 'in_transit', trackingNo: 'V030344422', detail: '上海分拨中心/装件入车扫描' });
    expect(verify(new URLSearchParams({ sign: 'FC273F36839D6BCE769D29CB5426794D', param }).toString())).toMatchObject({ code: 'CALLBACK.BAD_SIGNATURE' });
  });

  it('is answered with what Kuaidi100 expects', async () => {
    const { CALLBACK_ACK } = await import('../../src/adapters/courier/kuaidi100/protocol.ts');
    expect(JSON.stringify(CALLBACK_ACK)).toBe(sample('callback-answer.json'));
  });
});

describe('real-time query (poll/query.do)', () => {
  it('answers the track of a scanned waybill, nothing for an unknown one, and refuses a wrong customer', async () => {
    const nu = await subscribedWaybill();
    await fake.event(nu, 'picked_up');
    clock.advance(60_000);
    await fake.event(nu, 'in_transit');
    expect(await courier.query(nu)).toMatchObject({ status: 'found', track: { nu, state: '0', data: [{ statusCode: '1002' }, { statusCode: '103' }] } });
    expect(await courier.queryTrack(nu)).toMatchObject({ kind: 'in_transit', eventId: (verify(received.at(-1)!) as { eventId: string }).eventId });
    expect(await courier.query('SF999999999999')).toMatchObject({ status: 'not_found' });
    const stranger = new Kuaidi100Courier(settings({ customer: 'SOMEONEELSE01' }), clock);
    expect(await stranger.query(nu)).toMatchObject({ status: 'failed', error: expect.stringContaining('KUAIDI100_600') });
  });
});

describe('interception (拦截改址)', () => {
  const results = async () => (await fake.answerInterceptions()).map((p) => verify(p.body));

  it('is taken at once and accepted by callback while the parcel is on its way; the parcel then comes back', async () => {
    const nu = await subscribedWaybill();
    await fake.event(nu, 'in_transit');
    expect(await courier.intercept({ interceptNo: 'CI-1', trackingNo: nu })).toEqual({ status: 'received' });
    // The same interception asked again is the same task.
    expect(await courier.intercept({ interceptNo: 'CI-1', trackingNo: nu })).toEqual({ status: 'received' });
    expect(await results()).toEqual([expect.objectContaining({ kind: 'interception_accepted', trackingNo: nu, detail: expect.stringContaining('拦截成功') })]);
    expect(await results()).toEqual([]);
    // Turned back: it is not delivered to the customer any more, it returns to the sender.
    expect(await fake.event(nu, 'delivered')).toBeNull();
    await fake.event(nu, 'in_transit');
    expect(JSON.parse(new URLSearchParams(received.at(-1)!).get('param')!).lastResult.state).toBe('6');
    await fake.event(nu, 'returned_to_sender');
    expect(verify(received.at(-1)!)).toMatchObject({ kind: 'returned_to_sender' });
  });

  it('is refused when the parcel is already out for delivery, or by the branch', async () => {
    const nu = await subscribedWaybill();
    await fake.event(nu, 'out_for_delivery');
    await courier.intercept({ interceptNo: 'CI-2', trackingNo: nu });
    expect(await results()).toEqual([expect.objectContaining({ kind: 'interception_refused', detail: '快件派送中，无法拦截' })]);
    const other = await subscribedWaybill();
    await fake.event(other, 'in_transit');
    fake.refuseNextInterception = 1;
    await courier.intercept({ interceptNo: 'CI-3', trackingNo: other });
    expect(await results()).toEqual([expect.objectContaining({ kind: 'interception_refused', detail: '网点拒绝拦截' })]);
  });

  it('is too late once the parcel was signed for before the courier could act', async () => {
    const nu = await subscribedWaybill();
    await fake.event(nu, 'in_transit');
    await courier.intercept({ interceptNo: 'CI-4', trackingNo: nu });
    await fake.event(nu, 'delivered');
    expect(await results()).toEqual([expect.objectContaining({ kind: 'interception_refused', detail: '快件已签收，无法拦截' })]);
  });

  it('fails (to be retried) for an unknown waybill, a wrong secret or a busy Kuaidi100', async () => {
    expect(await courier.intercept({ interceptNo: 'CI-5', trackingNo: 'SF000000000009' })).toMatchObject({ status: 'failed', error: expect.stringContaining('KUAIDI100_400') });
    const wrong = new Kuaidi100Courier(settings({ secret: 'wrong-secret-000' }), clock);
    const nu = await subscribedWaybill();
    expect(await wrong.intercept({ interceptNo: 'CI-6', trackingNo: nu })).toMatchObject({ status: 'failed', error: expect.stringContaining('签名错误') });
    fake.failNext = 1;
    expect(await courier.intercept({ interceptNo: 'CI-6', trackingNo: nu })).toMatchObject({ status: 'failed', error: expect.stringContaining('KUAIDI100_500') });
  });
});

describe('the fake keeps its parcels', () => {
  it('across a restart and between processes, in its journal under the simulators\u2019 state directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kuaidi100-'));
    try {
      const first = new FakeKuaidi100(ACCOUNT, clock, { journalPath: join(dir, 'kuaidi100.db') });
      const { kuaidinum } = (first.labelOrder({ kuaidicom: 'shunfeng', orderId: 'O-j' }).data as { kuaidinum: string });
      await first.event(kuaidinum, 'picked_up');
      first.close();
      const again = new FakeKuaidi100(ACCOUNT, clock, { journalPath: join(dir, 'kuaidi100.db') });
      expect(again.parcels.get(kuaidinum)).toMatchObject({ orderId: 'O-j', state: '1', scans: [{ statusCode: '103' }] });
      // Waybill numbers keep counting: the next one is new.
      expect((again.labelOrder({ kuaidicom: 'shunfeng' }).data as { kuaidinum: string }).kuaidinum).not.toBe(kuaidinum);
      // A second process on the same journal (a separate worker) sees the parcels the first one scans.
      const worker = new FakeKuaidi100(ACCOUNT, clock, { journalPath: join(dir, 'kuaidi100.db') });
      clock.advance(60_000);
      await again.event(kuaidinum, 'in_transit');
      expect(worker.query(new URLSearchParams({ customer: ACCOUNT.customer, sign: querySign(JSON.stringify({ com: 'shunfeng', num: kuaidinum }), ACCOUNT.key, ACCOUNT.customer), param: JSON.stringify({ com: 'shunfeng', num: kuaidinum }) })))
        .toMatchObject({ state: '0', data: [{ statusCode: '1002' }, { statusCode: '103' }] });
      worker.close();
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
