// HAOKA_SMS_*: which providers in which order, their keys and template codes; production takes no demo value.
import { describe, expect, it } from 'vitest';
import { DEMO_SMS, loadSmsConfig } from '../../../src/adapters/sms/config.ts';
import { loadConfig } from '../../../src/config.ts';

const aliyun = {
  HAOKA_SMS_PROVIDERS: 'aliyun', HAOKA_SMS_ALIYUN_ACCESS_KEY_ID: 'LTAI5tRealKey01', HAOKA_SMS_ALIYUN_ACCESS_KEY_SECRET: 'a-real-secret-0123456789',
  HAOKA_SMS_ALIYUN_SIGN_NAME: '号卡', HAOKA_SMS_ALIYUN_TEMPLATES: 'sign_in_code=SMS_100001,payment_reminder=SMS_100002',
};

describe('SMS configuration', () => {
  it('in demo: both fake providers, Aliyun first, with every template registered', () => {
    const c = loadSmsConfig({}, false)!;
    expect(c).toMatchObject({ providers: ['aliyun', 'tencent'], fakes: true, timeoutMs: 5000 });
    expect(c.aliyun!.templates).toEqual(DEMO_SMS.aliyunTemplates);
    expect(c.tencent!.templates.sign_in_code).toMatch(/^\d+$/);
  });

  it('in production: none unless chosen, then every key from configuration', () => {
    expect(loadSmsConfig({}, true)).toBeNull();
    const c = loadSmsConfig(aliyun, true)!;
    expect(c).toMatchObject({ providers: ['aliyun'], fakes: false, tencent: null });
    expect(c.aliyun).toMatchObject({ endpoint: 'https://dysmsapi.aliyuncs.com', templates: { sign_in_code: 'SMS_100001', payment_reminder: 'SMS_100002' } });
  });

  it('stops start-up naming the variable: a missing key, a demo key in production, an unknown template or provider', () => {
    expect(() => loadSmsConfig({ ...aliyun, HAOKA_SMS_ALIYUN_ACCESS_KEY_SECRET: '' }, true)).toThrow(/HAOKA_SMS_ALIYUN_ACCESS_KEY_SECRET is required/);
    expect(() => loadSmsConfig({ ...aliyun, HAOKA_SMS_ALIYUN_ACCESS_KEY_SECRET: DEMO_SMS.aliyun.accessKeySecret }, true)).toThrow(/demo value/);
    expect(() => loadSmsConfig({ ...aliyun, HAOKA_SMS_ALIYUN_TEMPLATES: 'sign_in=SMS_1001' }, true)).toThrow(/HAOKA_SMS_ALIYUN_TEMPLATES/);
    expect(() => loadSmsConfig({ ...aliyun, HAOKA_SMS_ALIYUN_TEMPLATES: 'payment_reminder=SMS_100002' }, true)).toThrow(/sign_in_code/);
    expect(() => loadSmsConfig({ HAOKA_SMS_PROVIDERS: 'aliyun,twilio' }, false)).toThrow(/twilio/);
    expect(() => loadSmsConfig({ ...aliyun, HAOKA_SMS_ALIYUN_ENDPOINT: 'http://dysmsapi.aliyuncs.com' }, true)).toThrow(/https/);
    expect(() => loadConfig({ HAOKA_SMS_PROVIDERS: 'aliyun,aliyun' })).toThrow(/twice/);
  });

  it('HAOKA_SMS_PROVIDERS=none keeps the built-in notifier in demo', () => {
    expect(loadSmsConfig({ HAOKA_SMS_PROVIDERS: 'none' }, false)).toBeNull();
  });
});
