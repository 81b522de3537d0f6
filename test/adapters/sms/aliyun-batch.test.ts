// Messages handed to the Aliyun adapter together (the worker delivers many orders' notices at once) leave as one
// SendBatchSms per template; each caller still gets its own answer, and a lone message is still a SendSms. The
// fake Aliyun takes or refuses a batch as a whole, as Aliyun does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendBatchSmsRequest } from '@alicloud/dysmsapi20170525';
import { dysmsClient } from '../../../src/adapters/sms/aliyun/client.ts';
import { NOTICE_TEMPLATES, renderTemplate } from '../../../src/domain/notices/templates.ts';
import type { SmsSend } from '../../../src/adapters/sms/provider.ts';
import { startProviders, type Providers } from './providers.ts';

let p: Providers;
beforeAll(async () => { p = await startProviders(); });
afterAll(async () => { await p.close(); });

let seq = 0;
const phones = (n: number) => Array.from({ length: n }, () => `1370000${String(1000 + seq++)}`);
const reminder = (phone: string): SmsSend => ({ phone, template: 'payment_reminder', params: { orderId: `O${phone.slice(-4)}`, deadline: '12-07 19:30' }, key: `remind:${phone}` });
const refund = (phone: string): SmsSend => ({
  phone, template: 'refund_arrived', params: NOTICE_TEMPLATES.refund_arrived.of({ orderId: 'O9', amountFen: 1990, channel: 'alipay', refundNo: 'R9' }), key: `refund:${phone}`,
});

/** Requests the fake received by action while `run` ran. */
async function calls<T>(run: () => Promise<T>): Promise<{ result: T; calls: Record<string, number> }> {
  const before = new Map(p.fakeAliyun.calls);
  const result = await run();
  const calls: Record<string, number> = {};
  for (const [action, n] of p.fakeAliyun.calls) if (n !== (before.get(action) ?? 0)) calls[action] = n - (before.get(action) ?? 0);
  return { result, calls };
}

describe('messages sent together through Aliyun', () => {
  it('three of one template are one SendBatchSms: each accepted under the batch\'s BizId, each reported for its own phone', async () => {
    const to = phones(3);
    p.fakeAliyun.book.failDeliveryTo(to[2]!, 'MN:0001');
    const { result, calls: made } = await calls(() => Promise.all(to.map((ph) => p.aliyun.send(reminder(ph)))));
    expect(made).toEqual({ SendBatchSms: 1 });
    const bizId = (result[0] as { bizId: string }).bizId;
    expect(result).toEqual(to.map(() => ({ outcome: 'accepted', bizId })));
    for (const ph of to) expect(p.fakeAliyun.book.inbox(ph).map((m) => m.text)).toEqual([`【号卡】${renderTemplate(NOTICE_TEMPLATES.payment_reminder.text, reminder(ph).params)}`]);
    const sent = to.map((phone) => ({ bizId, phone, sentAt: p.clock.now() }));
    p.clock.advance(5000);
    const { result: reports, calls: asked } = await calls(() => p.aliyun.reports(sent));
    expect(asked).toEqual({ QuerySendDetails: 3 });
    expect(reports).toEqual([
      { bizId, phone: to[0], state: 'delivered', code: 'DELIVERED', at: p.clock.now() },
      { bizId, phone: to[1], state: 'delivered', code: 'DELIVERED', at: p.clock.now() },
      { bizId, phone: to[2], state: 'failed', code: 'MN:0001', at: p.clock.now() },
    ]);
  });

  it('of different templates are one call per template', async () => {
    const to = phones(5);
    const { result, calls: made } = await calls(() => Promise.all([
      p.aliyun.send(reminder(to[0]!)), p.aliyun.send(refund(to[1]!)), p.aliyun.send(reminder(to[2]!)), p.aliyun.send(refund(to[3]!)),
      p.aliyun.send({ phone: to[4]!, template: 'sign_in_code', params: { code: '123456' }, key: `otp:${to[4]}` }),
    ]));
    expect(made).toEqual({ SendBatchSms: 2, SendSms: 1 });
    expect(result.every((r) => r.outcome === 'accepted')).toBe(true);
    const ids = result.map((r) => (r as { bizId: string }).bizId);
    expect(ids[0]).toBe(ids[2]);
    expect(ids[1]).toBe(ids[3]);
    expect(new Set(ids).size).toBe(3);
  });

  it('with one illegal number: the batch refused, each is sent alone, the others delivered and the bad one refused as the recipient\'s', async () => {
    const [a, b] = phones(2);
    const { result, calls: made } = await calls(() => Promise.all([a!, '12000000000', b!].map((ph) => p.aliyun.send(reminder(ph)))));
    expect(made).toEqual({ SendBatchSms: 1, SendSms: 3 });
    expect(result).toEqual([
      { outcome: 'accepted', bizId: expect.stringMatching(/\^0$/) },
      { outcome: 'refused', code: 'isv.MOBILE_NUMBER_ILLEGAL', message: '非法手机号', recipient: true },
      { outcome: 'accepted', bizId: expect.stringMatching(/\^0$/) },
    ]);
    expect(p.fakeAliyun.book.inbox(a!)).toHaveLength(1);
    expect(p.fakeAliyun.book.inbox(b!)).toHaveLength(1);
  });

  it('refused for the account\'s reason (balance): every message refused with it, none the recipient\'s fault, none sent alone', async () => {
    const to = phones(3);
    p.fakeAliyun.book.refuseNext('isv.AMOUNT_NOT_ENOUGH', '账户余额不足');
    const { result, calls: made } = await calls(() => Promise.all(to.map((ph) => p.aliyun.send(reminder(ph)))));
    expect(made).toEqual({ SendBatchSms: 1 });
    expect(result).toEqual(to.map(() => ({ outcome: 'refused', code: 'isv.AMOUNT_NOT_ENOUGH', message: '账户余额不足', recipient: false })));
    for (const ph of to) expect(p.fakeAliyun.book.inbox(ph)).toEqual([]);
  });

  it('refused for one number\'s flow control: each is sent alone, so only a number over its limit is held back', async () => {
    const to = phones(3);
    p.fakeAliyun.book.refuseNext('isv.BUSINESS_LIMIT_CONTROL', '触发小时级流控Permits:5');
    const { result, calls: made } = await calls(() => Promise.all(to.map((ph) => p.aliyun.send(reminder(ph)))));
    expect(made).toEqual({ SendBatchSms: 1, SendSms: 3 });
    expect(result.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    for (const ph of to) expect(p.fakeAliyun.book.inbox(ph)).toHaveLength(1);
  });

  it('two messages to one phone in a turn go in two batches, so that a report for the phone settles one message only', async () => {
    const [a, b] = phones(2);
    const { result, calls: made } = await calls(() => Promise.all([a!, b!, a!].map((ph) => p.aliyun.send(reminder(ph)))));
    expect(made).toEqual({ SendBatchSms: 1, SendSms: 1 });
    const ids = result.map((r) => (r as { bizId: string }).bizId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    expect(p.fakeAliyun.book.inbox(a!)).toHaveLength(2);
  });

  it('not answered in time: every message times out', async () => {
    p.fakeAliyun.book.hangNext();
    const { result, calls: made } = await calls(() => Promise.all(phones(2).map((ph) => p.aliyun.send(reminder(ph)))));
    expect(made).toEqual({ SendBatchSms: 1 });
    expect(result.map((r) => r.outcome)).toEqual(['timeout', 'timeout']);
  });

  it('past 100 numbers: a full batch leaves at once, the rest after it', async () => {
    const { result, calls: made } = await calls(() => Promise.all(phones(101).map((ph) => p.aliyun.send(reminder(ph)))));
    expect(made).toEqual({ SendBatchSms: 1, SendSms: 1 });
    expect(result.filter((r) => r.outcome === 'accepted')).toHaveLength(101);
  });

  it('sign-in codes are never gathered: each is a SendSms, as Aliyun advises for verification codes', async () => {
    const { calls: made } = await calls(() => Promise.all(phones(2).map((ph) => p.aliyun.send({ phone: ph, template: 'sign_in_code', params: { code: '123456' }, key: `otp:${ph}` }))));
    expect(made).toEqual({ SendSms: 2 });
  });

  it('a message alone is still a SendSms carrying its key as OutId', async () => {
    const [ph] = phones(1);
    const { result, calls: made } = await calls(() => p.aliyun.send(reminder(ph!)));
    expect(made).toEqual({ SendSms: 1 });
    expect(result).toMatchObject({ outcome: 'accepted' });
    expect(p.fakeAliyun.book.inbox(ph!)[0]).toMatchObject({ bizId: (result as { bizId: string }).bizId, ref: `remind:${ph}` });
  });
});

describe('the fake Aliyun\'s SendBatchSms', () => {
  const client = () => dysmsClient({ ...p.fakeAliyun.account, endpoint: p.fakeAliyun.url!, timeoutMs: 2000 });
  const templateCode = () => [...p.fakeAliyun.account.templates.entries()].find(([, t]) => t.params.length === 1 && t.params[0] === 'code')![0];
  const batch = (to: string[], o: { signs?: string[]; params?: unknown[]; template?: string } = {}) => client().sendBatchSms(new SendBatchSmsRequest({
    phoneNumberJson: JSON.stringify(to), signNameJson: JSON.stringify(o.signs ?? to.map(() => p.fakeAliyun.account.signName)),
    templateCode: o.template ?? templateCode(), templateParamJson: JSON.stringify(o.params ?? to.map(() => ({ code: '246810' }))),
  }));

  it('refuses the whole batch with Aliyun\'s codes and keeps none of it', async () => {
    const to = phones(2);
    expect((await batch(to, { signs: [p.fakeAliyun.account.signName] })).body).toMatchObject({ code: 'isv.INVALID_PARAMETERS' });
    expect((await batch(to, { params: [{ code: '1' }] })).body).toMatchObject({ code: 'isv.INVALID_PARAMETERS' });
    expect((await batch(phones(101))).body).toMatchObject({ code: 'isv.MOBILE_COUNT_OVER_LIMIT' });
    expect((await batch(to, { signs: [p.fakeAliyun.account.signName, '别的签名'] })).body).toMatchObject({ code: 'isv.SMS_SIGNATURE_ILLEGAL' });
    expect((await batch(to, { template: 'SMS_0000001' })).body).toMatchObject({ code: 'isv.SMS_TEMPLATE_ILLEGAL' });
    expect((await batch(to, { params: [{ code: '1' }, {}] })).body).toMatchObject({ code: 'isv.TEMPLATE_MISSING_PARAMETERS' });
    expect((await batch([to[0]!, '1300000'])).body).toMatchObject({ code: 'isv.MOBILE_NUMBER_ILLEGAL' });
    for (const ph of to) expect(p.fakeAliyun.book.inbox(ph)).toEqual([]);
  });

  it('refuses a request signed with another secret, as SendSms', async () => {
    const wrong = dysmsClient({ ...p.fakeAliyun.account, accessKeySecret: 'not-the-secret-0000', endpoint: p.fakeAliyun.url!, timeoutMs: 2000 });
    await expect(wrong.sendBatchSms(new SendBatchSmsRequest({ phoneNumberJson: '["13700009999"]', signNameJson: '["号卡"]', templateCode: templateCode(), templateParamJson: '[{"code":"1"}]' })))
      .rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('keeps every message of a batch under one BizId, found by phone', async () => {
    const to = phones(2);
    const res = await batch([`+86${to[0]}`, to[1]!]);
    expect(res.body).toMatchObject({ code: 'OK', bizId: expect.stringMatching(/\^0$/) });
    for (const ph of to) expect(p.fakeAliyun.book.inbox(ph)).toEqual([expect.objectContaining({ bizId: res.body!.bizId, text: '【号卡】您的验证码是246810，5分钟内有效。请勿告诉他人。' })]);
  });
});
