// Haoka's notices as text messages through the providers (as in demo): the second provider takes over when the
// first refuses or does not answer, a bad number is not tried twice, each message's delivery state is recorded and
// put on the order's trail, failures show in /metrics, and a sign-in code that failed is visible to the customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../fixtures/harness.ts';
import type { SmsFakes } from '../../../src/adapters/sms/wiring.ts';

let h: Harness;
let fakes: SmsFakes;
let phoneSeq = 0;
const nextPhone = () => `1350000${String(1000 + phoneSeq++)}`;

beforeAll(async () => {
  h = await startHarness({ HAOKA_SMS_TIMEOUT_MS: '400' }, { sms: 'providers' });
  fakes = h.haoka.sims.sms!;
});
afterAll(async () => { await h.close(); });

const askCode = (phone: string) => h.post('/api/v1/auth/code', null, { phone });
const status = async (phone: string) => JSON.parse((await h.get(`/api/v1/auth/code/status?phone=${phone}`, null)).body) as { state: string; failure: string | null; resendAt: number | null };
const sms = (key: string) => h.haoka.deps.store.sms.get(key);
const latestCode = async (phone: string) => h.haoka.deps.store.sms.latestTo(h.haoka.deps.secrets.hash('phone', phone), 'sign_in_code');

describe('sign-in codes by text message', () => {
  it('go through the first provider; the phone shows the template\'s text and the code signs the customer in', async () => {
    const phone = nextPhone();
    expect((await askCode(phone)).statusCode).toBe(200);
    const [text] = fakes.inbox(phone);
    expect(text).toMatchObject({ provider: 'aliyun', text: expect.stringMatching(/^【号卡】您的验证码是\d{6}，5分钟内有效。请勿告诉他人。$/) });
    const code = /(\d{6})/.exec(text!.text)![1];
    expect((await h.post('/api/v1/auth/customer', null, { phone, code })).statusCode).toBe(200);
  });

  it('are recorded as sent, then delivered once the worker hears the provider\'s report', async () => {
    const phone = nextPhone();
    await askCode(phone);
    expect(await latestCode(phone)).toMatchObject({ state: 'sent', provider: 'aliyun', bizId: expect.stringMatching(/\^0$/), attempts: 'aliyun:OK' });
    expect(await status(phone)).toMatchObject({ state: 'sent', failure: null });
    h.clock.advance(31_000);
    await h.haoka.worker.runOnce();
    expect(await latestCode(phone)).toMatchObject({ state: 'delivered', code: 'DELIVERED' });
    expect(await status(phone)).toMatchObject({ state: 'delivered' });
  });

  it('go through Tencent Cloud when Aliyun refuses for its own reasons (flow control)', async () => {
    const phone = nextPhone();
    fakes.aliyun!.book.refuseNext('isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5');
    await askCode(phone);
    expect(await latestCode(phone)).toMatchObject({ state: 'sent', provider: 'tencent', attempts: 'aliyun:isv.BUSINESS_LIMIT_CONTROL tencent:OK' });
    expect(fakes.inbox(phone).map((m) => m.provider)).toEqual(['tencent']);
  });

  it('go through Tencent Cloud when Aliyun does not answer in time', async () => {
    const phone = nextPhone();
    fakes.aliyun!.book.hangNext();
    await askCode(phone);
    expect(await latestCode(phone)).toMatchObject({ state: 'sent', provider: 'tencent', attempts: 'aliyun:TIMEOUT tencent:OK' });
  });

  it('that no provider takes are recorded failed, and the customer sees it with when to ask again', async () => {
    const phone = nextPhone();
    fakes.aliyun!.book.refuseNext('isv.AMOUNT_NOT_ENOUGH', '账户余额不足');
    fakes.tencent!.book.refuseNext('FailedOperation.InsufficientBalanceInSmsPackage', 'insufficient balance in SMS package');
    expect((await askCode(phone)).statusCode).toBe(200);
    expect(await latestCode(phone)).toMatchObject({ state: 'failed', provider: 'tencent', code: 'FailedOperation.InsufficientBalanceInSmsPackage' });
    expect(await status(phone)).toEqual({ state: 'failed', failure: 'FailedOperation.InsufficientBalanceInSmsPackage', resendAt: h.clock.now() + 60_000 });
    expect((await askCode(phone)).statusCode).toBe(429);
    h.clock.advance(60_000);
    expect((await askCode(phone)).statusCode).toBe(200);
    expect(await status(phone)).toMatchObject({ state: 'sent', failure: null });
  });

  it('to a number the provider calls impossible are not tried at the second provider', async () => {
    const phone = nextPhone();
    fakes.aliyun!.book.refuseNext('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
    await askCode(phone);
    expect(await latestCode(phone)).toMatchObject({ state: 'failed', provider: 'aliyun', code: 'isv.MOBILE_NUMBER_ILLEGAL', attempts: 'aliyun:isv.MOBILE_NUMBER_ILLEGAL' });
    expect(fakes.inbox(phone)).toEqual([]);
  });

  it('that reach no phone (the carrier\'s report) are failed with the carrier\'s code', async () => {
    const phone = nextPhone();
    fakes.aliyun!.book.failDeliveryTo(phone, 'MN:0001');
    await askCode(phone);
    h.clock.advance(31_000);
    await h.haoka.worker.runOnce();
    expect(await status(phone)).toMatchObject({ state: 'failed', failure: 'MN:0001' });
  });
});

describe('an order\'s notices by text message', () => {
  it('are sent once, put on the order\'s trail with their delivery, even when the outbox delivers them again', async () => {
    const c = await h.customer();
    const placed = await h.placeOrder(c.token, { contactPhone: '13500009001' });
    const orderId = (JSON.parse(placed.body) as { id: string }).id;
    await h.haoka.worker.drain();
    const [m] = await h.haoka.deps.store.sms.forOrder(orderId);
    expect(m).toMatchObject({ template: 'order_placed', state: 'sent', provider: 'aliyun' });
    expect(fakes.inbox('13500009001')[0]!.text).toMatch(new RegExp(`^【号卡】您的订单${orderId}待支付\\d+\\.\\d{2}元，请在\\d{2}-\\d{2} \\d{2}:\\d{2}前完成支付`));
    await h.haoka.deps.notifier.send({ key: m!.key, channel: 'sms', customerId: c.customerId, phone: '13500009001', orderId, template: 'order_placed', title: '', body: '', data: {} });
    expect(fakes.inbox('13500009001')).toHaveLength(1);
    h.clock.advance(31_000);
    await h.haoka.worker.runOnce();
    // Staff read the delivery records on the order's trail; the customer's timeline leaves them out.
    const events = (JSON.parse((await h.get(`/api/v1/orders/${orderId}/events`, await h.staff('agent'))).body) as { events: { action: string; reason: string | null; actorId: string }[] }).events;
    const theirs = (JSON.parse((await h.get(`/api/v1/orders/${orderId}/events`, c.token)).body) as { events: { action: string }[] }).events;
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.filter((e) => e.action.startsWith('sms.'))).toEqual([]);
    expect(events.filter((e) => e.action.startsWith('sms.')).map((e) => [e.action, e.actorId])).toEqual([['sms.sent', 'sms'], ['sms.delivered', 'sms']]);
    expect(events.find((e) => e.action === 'sms.sent')!.reason).toMatch(/^order_placed 135\*\*\*\*9001 aliyun \d+\^0$/);
  });

  it('that no provider takes are failed on the trail and in /metrics, and the outbox sends them later', async () => {
    const c = await h.customer();
    fakes.aliyun!.book.refuseNext('isv.OUT_OF_SERVICE', '业务停机');
    fakes.tencent!.book.hangNext();
    const placed = await h.placeOrder(c.token, { contactPhone: '13500009002' });
    const orderId = (JSON.parse(placed.body) as { id: string }).id;
    await h.haoka.worker.runOnce();
    expect((await h.haoka.deps.store.sms.forOrder(orderId))[0]).toMatchObject({ state: 'failed', code: 'TIMEOUT', attempts: 'aliyun:isv.OUT_OF_SERVICE tencent:TIMEOUT' });
    const metrics = (await h.get('/metrics', null)).body;
    expect(metrics).toMatch(/haoka_sms_failed_messages\{provider="tencent",code="TIMEOUT"\} [1-9]/);
    expect(metrics).toMatch(/haoka_sms_refusals_total\{provider="aliyun",code="isv.OUT_OF_SERVICE"\} [1-9]/);
    h.clock.advance(2_000);
    await h.haoka.worker.drain();
    expect((await h.haoka.deps.store.sms.forOrder(orderId))[0]).toMatchObject({ state: 'sent', provider: 'aliyun' });
    const events = (JSON.parse((await h.get(`/api/v1/orders/${orderId}/events`, await h.staff('agent'))).body) as { events: { action: string }[] }).events;
    expect(events.map((e) => e.action).filter((a) => a.startsWith('sms.'))).toEqual(['sms.failed', 'sms.sent']);
  });
});

describe('notices of several orders delivered together', () => {
  /** Orders placed by as many customers, their notices left in the outbox for one pass of the worker. */
  const placeOrders = async (phones: string[]) => {
    const ids: string[] = [];
    for (const contactPhone of phones) {
      const c = await h.customer();
      ids.push((JSON.parse((await h.placeOrder(c.token, { contactPhone })).body) as { id: string }).id);
    }
    return ids;
  };
  const batches = () => fakes.aliyun!.calls.get('SendBatchSms') ?? 0;

  it('leave Aliyun as one SendBatchSms and are each reported delivered or failed for their own phone', async () => {
    const phones = ['13500009101', '13500009102', '13500009103'];
    fakes.aliyun!.book.failDeliveryTo(phones[1]!, 'MN:0001');
    const ids = await placeOrders(phones);
    const before = batches();
    await h.haoka.worker.drain();
    expect(batches() - before).toBe(1);
    const sent = await Promise.all(ids.map(async (id) => (await h.haoka.deps.store.sms.forOrder(id))[0]!));
    expect(sent.map((m) => [m.state, m.provider])).toEqual(phones.map(() => ['sent', 'aliyun']));
    expect(new Set(sent.map((m) => m.bizId)).size).toBe(1);
    h.clock.advance(31_000);
    await h.haoka.worker.runOnce();
    const settled = await Promise.all(ids.map(async (id) => (await h.haoka.deps.store.sms.forOrder(id))[0]!));
    expect(settled.map((m) => [m.state, m.code])).toEqual([['delivered', 'DELIVERED'], ['failed', 'MN:0001'], ['delivered', 'DELIVERED']]);
  });

  it('that Aliyun refuses together for its balance all go through Tencent Cloud', async () => {
    const phones = ['13500009201', '13500009202', '13500009203'];
    const ids = await placeOrders(phones);
    fakes.aliyun!.book.refuseNext('isv.AMOUNT_NOT_ENOUGH', '账户余额不足');
    const before = batches();
    await h.haoka.worker.drain();
    expect(batches() - before).toBe(1);
    for (const id of ids) {
      expect((await h.haoka.deps.store.sms.forOrder(id))[0]).toMatchObject({ state: 'sent', provider: 'tencent', attempts: 'aliyun:isv.AMOUNT_NOT_ENOUGH tencent:OK' });
    }
    for (const phone of phones) expect(fakes.inbox(phone).map((m) => m.provider)).toEqual(['tencent']);
  });

  it('that Aliyun refuses together for one number\'s flow control are sent one by one, and only that number goes to Tencent Cloud', async () => {
    const phones = ['13500009211', '13500009212', '13500009213'];
    const ids = await placeOrders(phones);
    // The batch is refused for the number over its limit; sent alone, the others are taken and it is refused again.
    fakes.aliyun!.book.refuseNext('isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5', 2);
    await h.haoka.worker.drain();
    const sent = await Promise.all(ids.map(async (id) => (await h.haoka.deps.store.sms.forOrder(id))[0]!));
    expect(sent.map((m) => m.provider).sort()).toEqual(['aliyun', 'aliyun', 'tencent']);
    expect(sent.find((m) => m.provider === 'tencent')).toMatchObject({ state: 'sent', attempts: 'aliyun:isv.BUSINESS_LIMIT_CONTROL tencent:OK' });
  });
});

describe('the demo\'s inbox page', () => {
  it('shows the texts the fake providers rendered, newest first, with their delivery', async () => {
    const phone = nextPhone();
    await askCode(phone);
    const page = JSON.parse((await h.get(`/sim/sms/${phone}`, null)).body) as { messages: { title: string; body: string }[] };
    expect(page.messages).toEqual([{ title: '阿里云短信 · 发送中', body: expect.stringMatching(/^【号卡】您的验证码是\d{6}/) }]);
  });

  it('lets the demo script a fake provider: Aliyun refuses the next send, Tencent Cloud takes it', async () => {
    const phone = nextPhone();
    const scripted = await h.post('/sim/sms-providers/aliyun/script', null, { refuse: { code: 'isv.DAY_LIMIT_CONTROL', message: '触发日发送限额' } });
    expect(scripted.statusCode).toBe(200);
    await askCode(phone);
    expect(await latestCode(phone)).toMatchObject({ provider: 'tencent', attempts: 'aliyun:isv.DAY_LIMIT_CONTROL tencent:OK' });
  });
});
