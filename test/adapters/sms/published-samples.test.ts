// The answers printed in Aliyun's and Tencent Cloud's SMS documentation, read by the adapters as they read the
// providers' answers; and the fakes answer with the same fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailReports, querySendDetailsBody, sendBatchSmsBody, sendResult as aliyunResult, sendSmsBody } from '../../../src/adapters/sms/aliyun/client.ts';
import { pullReports, sendResult as tencentResult } from '../../../src/adapters/sms/tencent/client.ts';
import { startProviders, type Providers } from './providers.ts';
import type { FakeRequest } from '../../../src/adapters/sms/fake/http.ts';

const dir = join(import.meta.dirname, '../../fixtures/partners');
const sample = (provider: string, name: string) => JSON.parse(readFileSync(join(dir, provider, name), 'utf8')) as any;

/** Every key of `a`, nested, as paths (arrays by their first element). */
function paths(a: unknown, at = ''): string[] {
  if (Array.isArray(a)) return a.length ? paths(a[0], `${at}[]`) : [];
  if (a && typeof a === 'object') return Object.entries(a).flatMap(([k, v]) => [`${at}.${k}`, ...paths(v, `${at}.${k}`)]);
  return [];
}

describe('Aliyun\'s published samples', () => {
  it('a SendSms answer: accepted under its BizId', () => {
    expect(aliyunResult(sendSmsBody(sample('aliyun-sms', 'send-sms.answer.json')))).toEqual({ outcome: 'accepted', bizId: '9006197469364984****' });
  });

  it('flow control and an illegal number: refused, only the number is the recipient\'s fault', () => {
    expect(aliyunResult(sendSmsBody(sample('aliyun-sms', 'send-sms.flow-control.json')))).toEqual({ outcome: 'refused', code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发天级流控Permits:10', recipient: false });
    expect(aliyunResult(sendSmsBody(sample('aliyun-sms', 'send-sms.mobile-illegal.json')))).toMatchObject({ outcome: 'refused', code: 'isv.MOBILE_NUMBER_ILLEGAL', recipient: true });
  });

  it('a SendBatchSms answer: the batch accepted under its one BizId', () => {
    expect(aliyunResult(sendBatchSmsBody(sample('aliyun-sms', 'send-batch-sms.answer.json')))).toEqual({ outcome: 'accepted', bizId: '9006197469364984400' });
  });

  it('a QuerySendDetails answer: SendStatus 3 is received, at ReceiveDate Beijing time', () => {
    expect(detailReports(querySendDetailsBody(sample('aliyun-sms', 'query-send-details.answer.json')), 'B1')).toEqual([
      { bizId: 'B1', state: 'delivered', code: 'DELIVERED', at: Date.parse('2019-01-08T16:44:13+08:00') },
    ]);
  });
});

describe('Tencent Cloud\'s published samples', () => {
  it('a SendSms answer: each number accepted under its SerialNo', () => {
    const set = sample('tencent-sms', 'send-sms.answer.json').Response.SendStatusSet;
    expect(tencentResult(set[0])).toEqual({ outcome: 'accepted', bizId: '5000:1045710669157053657849499619' });
  });

  it('a number past its daily limit: refused, not the number\'s fault (another provider may send it)', () => {
    expect(tencentResult(sample('tencent-sms', 'send-sms.daily-limit.json').Response.SendStatusSet[0])).toMatchObject({ outcome: 'refused', code: 'LimitExceeded.PhoneNumberDailyLimit', recipient: false });
  });

  it('a PullSmsSendStatus answer: SUCCESS is received, at UserReceiveUnixTime', () => {
    expect(pullReports(sample('tencent-sms', 'pull-sms-send-status.answer.json').Response.PullSmsSendStatusSet)).toEqual([
      { bizId: '5000:1045710669157053657849499619', state: 'delivered', code: 'DELIVRD', at: 1570526317000 },
    ]);
  });
});

describe('the fakes answer with the published fields', () => {
  let p: Providers;
  const answers: { provider: string; action: string; status: number; body: unknown }[] = [];
  /** What each request carried in its query and its form body, by action. */
  const sentFields = new Map<string, Set<string>>();
  beforeAll(async () => {
    p = await startProviders();
    for (const [provider, fake] of [['aliyun', p.fakeAliyun], ['tencent', p.fakeTencent]] as const) {
      const handle = fake.handle.bind(fake);
      fake.handle = (req: FakeRequest) => {
        const action = String(req.headers['x-acs-action'] ?? req.headers['x-tc-action']);
        const fields = [...new URL(req.url, 'http://fake').searchParams.keys(), ...(provider === 'aliyun' ? new URLSearchParams(req.body).keys() : [])];
        sentFields.set(action, new Set([...(sentFields.get(action) ?? []), ...fields]));
        const a = handle(req);
        if (a !== 'hang') answers.push({ provider, action, ...a });
        return a;
      };
    }
  });
  afterAll(async () => { await p.close(); });

  const find = (provider: string, action: string, pick: (b: any) => boolean = () => true) => answers.filter((a) => a.provider === provider && a.action === action).map((a) => a.body).find(pick);
  const msg = (phone: string) => ({ phone, template: 'sign_in_code' as const, params: { code: '123456' }, key: 'k' });

  it('Aliyun: messages sent together are a SendBatchSms with the printed request\'s fields, answered with the printed answer\'s', async () => {
    const reminder = (phone: string) => ({ phone, template: 'payment_reminder' as const, params: { orderId: 'O1', deadline: '12-07 19:30' }, key: `remind:${phone}` });
    const sent = await Promise.all([p.aliyun.send(reminder('13600136011')), p.aliyun.send(reminder('13600136012'))]);
    expect(sent).toEqual([{ outcome: 'accepted', bizId: expect.any(String) }, { outcome: 'accepted', bizId: expect.any(String) }]);
    const printed = Object.keys(sample('aliyun-sms', 'send-batch-sms.request.json'));
    expect(printed).toEqual(expect.arrayContaining([...sentFields.get('SendBatchSms')!]));
    expect([...sentFields.get('SendBatchSms')!]).toEqual(expect.arrayContaining(['PhoneNumberJson', 'SignNameJson', 'TemplateCode', 'TemplateParamJson']));
    expect(paths(find('aliyun', 'SendBatchSms', (b) => b.Code === 'OK'))).toEqual(expect.arrayContaining(paths(sample('aliyun-sms', 'send-batch-sms.answer.json'))));
  });

  it('Aliyun: SendSms, its refusals, QuerySendDetails and a signature error carry every field of the samples', async () => {
    const sent = await p.aliyun.send(msg('13600136001'));
    await p.aliyun.send(msg('12000000000'));
    p.clock.advance(5000);
    if (sent.outcome !== 'accepted') throw new Error('not accepted');
    await p.aliyun.reports([{ bizId: sent.bizId, phone: '13600136001', sentAt: p.clock.now() - 5000 }]);
    p.fakeAliyun.account.accessKeySecret = 'rotated-secret-0000';
    await p.aliyun.send(msg('13600136002'));
    expect(paths(find('aliyun', 'SendSms', (b) => b.Code === 'OK'))).toEqual(expect.arrayContaining(paths(sample('aliyun-sms', 'send-sms.answer.json'))));
    expect(paths(find('aliyun', 'SendSms', (b) => b.Code === 'isv.MOBILE_NUMBER_ILLEGAL'))).toEqual(expect.arrayContaining(paths(sample('aliyun-sms', 'send-sms.mobile-illegal.json'))));
    expect(paths(find('aliyun', 'QuerySendDetails'))).toEqual(expect.arrayContaining(paths(sample('aliyun-sms', 'query-send-details.answer.json'))));
    expect(paths(find('aliyun', 'SendSms', (b) => b.Code === 'SignatureDoesNotMatch'))).toEqual(expect.arrayContaining(paths(sample('aliyun-sms', 'signature-does-not-match.json'))));
  });

  it('Tencent Cloud: SendSms, a per-number refusal, an error and PullSmsSendStatus carry every field of the samples', async () => {
    await p.tencent.send(msg('13600136101'));
    p.clock.advance(5000);
    await p.tencent.reports([]);
    p.fakeTencent.book.refuseNext('LimitExceeded.PhoneNumberDailyLimit', 'the number of sms messages sent from a single mobile number every day exceeds the upper limit');
    await p.tencent.send(msg('13600136102'));
    p.fakeTencent.account.secretKey = 'rotated-key-000000';
    await p.tencent.send(msg('13600136103'));
    expect(paths(find('tencent', 'SendSms', (b) => b.Response.SendStatusSet?.[0]?.Code === 'Ok'))).toEqual(expect.arrayContaining(paths(sample('tencent-sms', 'send-sms.answer.json'))));
    expect(paths(find('tencent', 'SendSms', (b) => b.Response.SendStatusSet?.[0]?.Code === 'LimitExceeded.PhoneNumberDailyLimit'))).toEqual(expect.arrayContaining(paths(sample('tencent-sms', 'send-sms.daily-limit.json'))));
    expect(paths(find('tencent', 'SendSms', (b) => b.Response.Error))).toEqual(expect.arrayContaining(paths(sample('tencent-sms', 'send-sms.signature-failure.json'))));
    expect(paths(find('tencent', 'PullSmsSendStatus', (b) => b.Response.PullSmsSendStatusSet?.length))).toEqual(expect.arrayContaining(paths(sample('tencent-sms', 'pull-sms-send-status.answer.json'))));
  });
});
