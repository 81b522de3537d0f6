// The Aliyun and Tencent Cloud SMS adapters (their official SDKs) against the fakes on 127.0.0.1: sending with
// the registered templates, the providers' refusals, no answer in time, and the carriers' reports afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviders, type Providers } from './providers.ts';
import { NOTICE_TEMPLATES } from '../../../src/domain/notices/templates.ts';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { readTimer } from '../../../src/adapters/sms/aliyun/read-timers.ts';

let p: Providers;
beforeAll(async () => { p = await startProviders(); });
afterAll(async () => { await p.close(); });

const code = (phone: string, c = '482913') => ({ phone, template: 'sign_in_code' as const, params: NOTICE_TEMPLATES.sign_in_code.of({ code: c }), key: `otp:${phone}` });

describe('Aliyun SMS through @alicloud/dysmsapi20170525', () => {
  it('sends a sign-in code: Aliyun answers with a BizId and the phone shows the registered template, signed', async () => {
    const r = await p.aliyun.send(code('13800138001'));
    expect(r).toMatchObject({ outcome: 'accepted', bizId: expect.stringMatching(/^\d+\^0$/) });
    const [sms] = p.fakeAliyun.book.inbox('13800138001');
    expect(sms!.text).toBe('【号卡】您的验证码是482913，5分钟内有效。请勿告诉他人。');
    expect(sms!.template).toMatch(/^SMS_\d+$/);
  });

  it('renders a notice with several parameters as the customer reads it', async () => {
    const params = NOTICE_TEMPLATES.refund_arrived.of({ orderId: 'O123', amountFen: 1990, channel: 'alipay', refundNo: 'R9' });
    expect(await p.aliyun.send({ phone: '13800138002', template: 'refund_arrived', params, key: 'k2' })).toMatchObject({ outcome: 'accepted' });
    expect(p.fakeAliyun.book.inbox('13800138002')[0]!.text).toBe('【号卡】订单O123的退款19.90元已退回您的支付宝，请注意查收。退款单号R9。');
  });

  it('refuses an impossible number with isv.MOBILE_NUMBER_ILLEGAL, marked as the recipient\'s fault', async () => {
    expect(await p.aliyun.send(code('12000000000'))).toMatchObject({ outcome: 'refused', code: 'isv.MOBILE_NUMBER_ILLEGAL', recipient: true });
  });

  it('refuses with flow control (isv.BUSINESS_LIMIT_CONTROL) once a phone had its messages for the day', async () => {
    for (let i = 0; i < 10; i++) expect(await p.aliyun.send(code('13800138003'))).toMatchObject({ outcome: 'accepted' });
    expect(await p.aliyun.send(code('13800138003'))).toMatchObject({ outcome: 'refused', code: 'isv.BUSINESS_LIMIT_CONTROL', recipient: false });
  });

  it('refuses a template it does not know with isv.SMS_TEMPLATE_ILLEGAL', async () => {
    p.fakeAliyun.account.templates.delete(p.fakeAliyun.account.templates.keys().next().value!);
    const first = [...Object.keys(NOTICE_TEMPLATES)][0] as 'sign_in_code';
    expect(await p.aliyun.send({ ...code('13800138004'), template: first })).toMatchObject({ outcome: 'refused', code: 'isv.SMS_TEMPLATE_ILLEGAL' });
  });

  it('leaves no read timer pending once an answer is read: a sent text is not kept in memory for the whole timeout', async () => {
    const sockets = new Set<Socket>();
    const seen = (m: unknown) => { const s = (m as { request: ClientRequest }).request.socket; if (s) sockets.add(s); };
    subscribe('http.client.response.finish', seen);
    try {
      for (let i = 0; i < 5; i++) expect(await p.aliyun.send({ ...code(`1380013810${i}`), template: 'payment_reminder', params: { orderId: 'O1', deadline: '12-07 19:30' } })).toMatchObject({ outcome: 'accepted' });
    } finally {
      unsubscribe('http.client.response.finish', seen);
    }
    // httpx started one on each socket it used; none is still armed (Node marks a cleared timer with _idleTimeout -1).
    const timers = [...sockets].map((s) => readTimer(s)).filter((t) => t !== null);
    expect(sockets.size).toBeGreaterThan(0);
    expect(timers.filter((t) => (t as unknown as { _idleTimeout: number })._idleTimeout !== -1)).toEqual([]);
  });

  it('gives up on a provider that does not answer in time', async () => {
    p.fakeAliyun.book.hangNext();
    expect(await p.aliyun.send({ ...code('13800138005'), template: 'payment_reminder', params: { orderId: 'O1', deadline: '12-07 19:30' } })).toMatchObject({ outcome: 'timeout' });
  });

  it('reports delivery through QuerySendDetails once the carrier has: received, or failed with its code', async () => {
    p.fakeAliyun.book.failDeliveryTo('13800138007', 'MN:0001');
    const ok = await p.aliyun.send({ ...code('13800138006'), template: 'payment_reminder', params: { orderId: 'O1', deadline: '12-07 19:30' } });
    const bad = await p.aliyun.send({ ...code('13800138007'), template: 'payment_reminder', params: { orderId: 'O1', deadline: '12-07 19:30' } });
    if (ok.outcome !== 'accepted' || bad.outcome !== 'accepted') throw new Error('not accepted');
    const sent = [{ bizId: ok.bizId, phone: '13800138006', sentAt: p.clock.now() }, { bizId: bad.bizId, phone: '13800138007', sentAt: p.clock.now() }];
    expect(await p.aliyun.reports(sent)).toEqual([]);
    p.clock.advance(5000);
    expect(await p.aliyun.reports(sent)).toEqual([
      { bizId: ok.bizId, phone: '13800138006', state: 'delivered', code: 'DELIVERED', at: p.clock.now() },
      { bizId: bad.bizId, phone: '13800138007', state: 'failed', code: 'MN:0001', at: p.clock.now() },
    ]);
  });
});

describe('Tencent Cloud SMS through tencentcloud-sdk-nodejs-sms', () => {
  it('sends to +86 numbers with the template id and the parameters in order; the phone shows the text', async () => {
    const r = await p.tencent.send(code('13900139001', '000123'));
    expect(r).toMatchObject({ outcome: 'accepted', bizId: expect.stringMatching(/^\d+:\d+$/) });
    expect(p.fakeTencent.book.inbox('13900139001')[0]!.text).toBe('【号卡】您的验证码是000123，5分钟内有效。请勿告诉他人。');
  });

  it('refuses a bad number inside SendStatusSet (InvalidParameterValue.IncorrectPhoneNumber)', async () => {
    expect(await p.tencent.send(code('10000000000'))).toMatchObject({ outcome: 'refused', code: 'InvalidParameterValue.IncorrectPhoneNumber', recipient: true });
  });

  it('refuses a phone past its daily limit (LimitExceeded.PhoneNumberDailyLimit)', async () => {
    for (let i = 0; i < 10; i++) await p.tencent.send(code('13900139003'));
    expect(await p.tencent.send(code('13900139003'))).toMatchObject({ outcome: 'refused', code: 'LimitExceeded.PhoneNumberDailyLimit', recipient: false });
  });

  it('refuses a whole request with a FailedOperation code when scripted (an empty SMS package)', async () => {
    p.fakeTencent.book.refuseNext('FailedOperation.InsufficientBalanceInSmsPackage', 'insufficient balance in SMS package');
    expect(await p.tencent.send(code('13900139004'))).toMatchObject({ outcome: 'refused', code: 'FailedOperation.InsufficientBalanceInSmsPackage', recipient: false });
  });

  it('gives up on a provider that does not answer in time', async () => {
    p.fakeTencent.book.hangNext();
    expect(await p.tencent.send(code('13900139005'))).toMatchObject({ outcome: 'timeout' });
  });

  it('hands each carrier report out once through PullSmsSendStatus', async () => {
    p.fakeTencent.book.failDeliveryTo('13900139007', 'MK:0001');
    const a = await p.tencent.send(code('13900139006'));
    const b = await p.tencent.send(code('13900139007'));
    if (a.outcome !== 'accepted' || b.outcome !== 'accepted') throw new Error('not accepted');
    p.clock.advance(5000);
    const reports = await p.tencent.reports([]);
    expect(reports).toContainEqual({ bizId: a.bizId, state: 'delivered', code: 'DELIVRD', at: expect.any(Number) });
    expect(reports).toContainEqual({ bizId: b.bizId, state: 'failed', code: 'MK:0001', at: expect.any(Number) });
    expect(await p.tencent.reports([])).toEqual([]);
  });
});
