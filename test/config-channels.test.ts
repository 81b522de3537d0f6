// Production offers the payment channels it is configured for, and needs at least one: a WeChat Pay merchant
// account no longer needs the simulators' notification keys, and a channel left unconfigured is not offered
// (not listed at checkout, a payment there refused with a code) instead of stopping start-up.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { partnerKeysOf } from '../src/main.ts';
import { keyPair } from '../src/adapters/payment/wechat-fake/keys.ts';
import { PRODUCTION_ENV } from './fixtures/production.ts';
import { json, startHarness, type Harness } from './fixtures/harness.ts';

const { HAOKA_ALIPAY_NOTIFY_KEY: _a, HAOKA_WECHAT_NOTIFY_KEY: _w, HAOKA_WECHAT_APIV3_KEY: _v, HAOKA_BANK_NOTIFY_KEY: _b, ...WITHOUT_CHANNELS } = PRODUCTION_ENV;
const app = keyPair(null, 'test-alipay-app');
const platform = keyPair(null, 'test-alipay-platform');
const ALIPAY = {
  HAOKA_ALIPAY_APP_ID: '2021004100000001', HAOKA_ALIPAY_PRIVATE_KEY: app.privateKeyPem, HAOKA_ALIPAY_PUBLIC_KEY: platform.publicKeyPem,
  HAOKA_ALIPAY_NOTIFY_BASE_URL: 'https://shop.example.com',
};

describe('the payment channels production offers', () => {
  it('offers all three in demo', () => {
    expect(loadConfig({}).paymentChannels).toEqual(['alipay', 'wechat', 'bank']);
  });

  it('offers only the configured channels, by merchant account or notification key', () => {
    expect(loadConfig(PRODUCTION_ENV).paymentChannels).toEqual(['alipay', 'wechat', 'bank']);
    expect(loadConfig({ ...WITHOUT_CHANNELS, ...ALIPAY }).paymentChannels).toEqual(['alipay']);
    expect(loadConfig({ ...WITHOUT_CHANNELS, HAOKA_BANK_NOTIFY_KEY: 'bank-notify-key-0123456789' }).paymentChannels).toEqual(['bank']);
  });

  it('offers the bank through its interface (merchant number, address and key), and names what a partial one lacks', () => {
    const BANK = { HAOKA_BANK_MERCHANT_ID: 'M100200300', HAOKA_BANK_GATEWAY: 'https://bank.example.com/api', HAOKA_BANK_NOTIFY_BASE_URL: 'https://shop.example.com' };
    const c = loadConfig({ ...WITHOUT_CHANNELS, ...BANK, HAOKA_BANK_NOTIFY_KEY: 'bank-issued-key-0123456789' });
    expect(c.paymentChannels).toEqual(['bank']);
    expect(c.bank).toEqual({ merchantId: 'M100200300', gateway: 'https://bank.example.com/api', notifyBaseUrl: 'https://shop.example.com' });
    expect(() => loadConfig({ ...WITHOUT_CHANNELS, ...BANK })).toThrow(/bank channel is partly configured: HAOKA_BANK_NOTIFY_KEY missing/);
    expect(() => loadConfig({ ...PRODUCTION_ENV, HAOKA_BANK_MERCHANT_ID: 'M100200300' })).toThrow(/HAOKA_BANK_GATEWAY missing/);
    expect(() => loadConfig({ ...PRODUCTION_ENV, ...BANK, HAOKA_BANK_GATEWAY: 'ftp://bank' })).toThrow(ConfigError);
    expect(loadConfig(PRODUCTION_ENV).bank).toBeNull();
  });

  it('stops production with no payment channel at all, saying what would make one', () => {
    expect(() => loadConfig(WITHOUT_CHANNELS)).toThrow(ConfigError);
    expect(() => loadConfig(WITHOUT_CHANNELS)).toThrow(/at least one payment channel.*HAOKA_ALIPAY_APP_ID/);
  });

  it('gives the channels not offered a key nobody holds, never the demo\u2019s', () => {
    const keys = partnerKeysOf(loadConfig({ ...WITHOUT_CHANNELS, ...ALIPAY }));
    expect(keys.wechat).toMatch(/^[0-9a-f]{48}$/);
    expect(keys.bank).toMatch(/^[0-9a-f]{48}$/);
    expect(keys.wechat).not.toBe(keys.bank);
    expect(keys.courier).toBe(PRODUCTION_ENV.HAOKA_COURIER_CALLBACK_KEY);
  });
});

describe('a channel that is not offered', () => {
  let h: Harness;
  afterEach(async () => { await h?.close(); });

  it('is not listed at checkout, and a payment there is refused with a code and writes nothing', async () => {
    h = await startHarness({ ...WITHOUT_CHANNELS, HAOKA_BANK_NOTIFY_KEY: 'bank-notify-key-0123456789', HAOKA_HOST: '127.0.0.1' });
    expect(json(await h.app.inject({ method: 'GET', url: '/api/v1/payments/channels' }))).toEqual({ channels: ['bank'] });
    const c = await h.customer();
    const order = json(await h.placeOrder(c.token));
    const before = await h.snapshot();
    const refused = await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'alipay' });
    expect([refused.statusCode, json(refused).error.code]).toEqual([422, 'PAYMENT.CHANNEL_NOT_OFFERED']);
    expect(await h.snapshot()).toEqual(before);
    expect((await h.post(`/api/v1/orders/${order.id}/payments`, c.token, { channel: 'bank' })).statusCode).toBe(201);
  });
});
