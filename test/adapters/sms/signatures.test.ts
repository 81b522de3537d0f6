// The fakes check requests as the providers do: a request signed with the wrong secret, a replayed signature
// nonce, a stale timestamp, or an unknown key is refused with the provider's code, and nothing is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviders, type Providers } from './providers.ts';
import { AliyunSms } from '../../../src/adapters/sms/aliyun/client.ts';
import { TencentSms } from '../../../src/adapters/sms/tencent/client.ts';
import { DEMO_SMS } from '../../../src/adapters/sms/config.ts';
import { NOTICE_TEMPLATES } from '../../../src/domain/notices/templates.ts';
import type { FakeRequest } from '../../../src/adapters/sms/fake/http.ts';

let p: Providers;
let aliyunUrl: string;
let tencentUrl: string;
const seen: FakeRequest[] = [];
beforeAll(async () => {
  p = await startProviders();
  // Keep what the SDK sent to the fake Aliyun, to replay it.
  const handle = p.fakeAliyun.handle.bind(p.fakeAliyun);
  p.fakeAliyun.handle = (req) => { seen.push(req); return handle(req); };
  aliyunUrl = (p.aliyun as unknown as { config: { endpoint: string } }).config.endpoint;
  tencentUrl = (p.tencent as unknown as { config: { endpoint: string } }).config.endpoint;
});
afterAll(async () => { await p.close(); });

const msg = { phone: '13700137001', template: 'sign_in_code' as const, params: NOTICE_TEMPLATES.sign_in_code.of({ code: '111111' }), key: 'k' };

describe('the fake Aliyun checks the ACS3-HMAC-SHA256 signature', () => {
  it('refuses a request signed with another secret (SignatureDoesNotMatch) and sends nothing', async () => {
    const forged = new AliyunSms({ accessKeyId: DEMO_SMS.aliyun.accessKeyId, accessKeySecret: 'not-the-secret-at-all', signName: '号卡', endpoint: aliyunUrl, templates: DEMO_SMS.aliyunTemplates, timeoutMs: 2000 });
    expect(await forged.send(msg)).toMatchObject({ outcome: 'refused', code: 'SignatureDoesNotMatch', recipient: false });
    expect(p.fakeAliyun.book.inbox(msg.phone)).toEqual([]);
  });

  it('refuses an unknown AccessKey (InvalidAccessKeyId.NotFound)', async () => {
    const stranger = new AliyunSms({ accessKeyId: 'LTAI5tSomebodyElse', accessKeySecret: DEMO_SMS.aliyun.accessKeySecret, signName: '号卡', endpoint: aliyunUrl, templates: DEMO_SMS.aliyunTemplates, timeoutMs: 2000 });
    expect(await stranger.send(msg)).toMatchObject({ outcome: 'refused', code: 'InvalidAccessKeyId.NotFound' });
  });

  it('refuses a replayed request: its signature nonce was used already', async () => {
    expect(await p.aliyun.send(msg)).toMatchObject({ outcome: 'accepted' });
    const again = p.fakeAliyun.handle(seen.at(-1)!);
    expect(again).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
    expect(p.fakeAliyun.book.inbox(msg.phone)).toHaveLength(1);
  });

  it('refuses a request whose query was changed after signing', () => {
    const req = { ...seen.at(-1)!, url: seen.at(-1)!.url.replace('PhoneNumbers=13700137001', 'PhoneNumbers=13700137009') };
    req.headers = { ...req.headers, 'x-acs-signature-nonce': 'another-nonce' };
    expect(p.fakeAliyun.handle(req)).toMatchObject({ status: 400, body: { Code: 'SignatureDoesNotMatch' } });
  });

  it('refuses a request stamped more than 15 minutes away from its clock (InvalidTimeStamp.Expired)', async () => {
    p.fakeAliyun.wallNow = () => Date.now() + 16 * 60_000;
    try {
      expect(await p.aliyun.send({ ...msg, phone: '13700137002' })).toMatchObject({ outcome: 'refused', code: 'InvalidTimeStamp.Expired' });
    } finally {
      p.fakeAliyun.wallNow = Date.now;
    }
  });
});

describe('the fake Tencent Cloud checks the TC3-HMAC-SHA256 signature', () => {
  it('refuses a request signed with another SecretKey (AuthFailure.SignatureFailure) and sends nothing', async () => {
    const forged = new TencentSms({ ...DEMO_SMS.tencent, secretKey: 'not-the-key-at-all', signName: '号卡', region: 'ap-guangzhou', endpoint: tencentUrl, templates: DEMO_SMS.tencentTemplates, timeoutMs: 2000 });
    expect(await forged.send({ ...msg, phone: '13700137003' })).toMatchObject({ outcome: 'refused', code: 'AuthFailure.SignatureFailure' });
    expect(p.fakeTencent.book.inbox('13700137003')).toEqual([]);
  });

  it('refuses an unknown SecretId and a stale timestamp', async () => {
    const stranger = new TencentSms({ ...DEMO_SMS.tencent, secretId: 'AKIDsomebodyelse', signName: '号卡', region: 'ap-guangzhou', endpoint: tencentUrl, templates: DEMO_SMS.tencentTemplates, timeoutMs: 2000 });
    expect(await stranger.send(msg)).toMatchObject({ outcome: 'refused', code: 'AuthFailure.SecretIdNotFound' });
    p.fakeTencent.wallNow = () => Date.now() - 10 * 60_000;
    try {
      expect(await p.tencent.send(msg)).toMatchObject({ outcome: 'refused', code: 'AuthFailure.SignatureExpire' });
    } finally {
      p.fakeTencent.wallNow = Date.now;
    }
  });

  it('refuses an SMS application it does not know', async () => {
    const other = new TencentSms({ ...DEMO_SMS.tencent, smsSdkAppId: '1400999999', signName: '号卡', region: 'ap-guangzhou', endpoint: tencentUrl, templates: DEMO_SMS.tencentTemplates, timeoutMs: 2000 });
    expect(await other.send(msg)).toMatchObject({ outcome: 'refused', code: 'InvalidParameterValue.SdkAppIdNotExist' });
  });
});
