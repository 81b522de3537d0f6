import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { loadWechatConfig, WECHAT_DEFAULT_GATEWAY, WechatConfigError } from '../../../src/adapters/payment/wechat/config.ts';
import { keyPair } from '../../../src/adapters/payment/wechat-fake/keys.ts';

const merchant = keyPair(null, 'test-wechat-merchant');
const platform = keyPair(null, 'test-wechat-platform');
const FULL = {
  HAOKA_WECHAT_MCH_ID: '1230000109', HAOKA_WECHAT_APP_ID: 'wxd678efh567hg6787', HAOKA_WECHAT_CERT_SERIAL: '444F4864EA9B34415A8A5A5CC2B7B1D7E1C2A3F4',
  HAOKA_WECHAT_PRIVATE_KEY: merchant.privateKeyPem, HAOKA_WECHAT_APIV3_KEY: 'Y2Ld6Fzx3hLqVb8mPNw9TcRt4KsJe7Ua', HAOKA_WECHAT_PUBLIC_KEY: platform.publicKeyPem,
  HAOKA_WECHAT_PUBLIC_KEY_ID: 'PUB_KEY_ID_0112300001092024120700000001',
};

describe('the WeChat Pay merchant account from configuration', () => {
  it('is absent when none of its settings is given (the API v3 key alone is the simulator\u2019s)', () => {
    expect(loadWechatConfig({})).toBeNull();
    expect(loadWechatConfig({ HAOKA_WECHAT_APIV3_KEY: FULL.HAOKA_WECHAT_APIV3_KEY })).toBeNull();
  });

  it('reads every setting, the gateway defaulting to WeChat Pay\u2019s', () => {
    expect(loadWechatConfig(FULL)).toMatchObject({ mchId: '1230000109', appId: 'wxd678efh567hg6787', gateway: WECHAT_DEFAULT_GATEWAY, notifyBaseUrl: null, publicKeyId: FULL.HAOKA_WECHAT_PUBLIC_KEY_ID });
    expect(loadWechatConfig({ ...FULL, HAOKA_WECHAT_GATEWAY: 'http://127.0.0.1:9000/', HAOKA_WECHAT_NOTIFY_BASE_URL: 'https://shop.example.com/' })).toMatchObject({ gateway: 'http://127.0.0.1:9000', notifyBaseUrl: 'https://shop.example.com' });
  });

  it('names what is missing when only part of the account is given', () => {
    const { HAOKA_WECHAT_CERT_SERIAL: _s, HAOKA_WECHAT_PUBLIC_KEY_ID: _i, ...partial } = FULL;
    expect(() => loadWechatConfig(partial)).toThrow(/HAOKA_WECHAT_CERT_SERIAL, HAOKA_WECHAT_PUBLIC_KEY_ID missing/);
  });

  it.each([
    ['HAOKA_WECHAT_MCH_ID', '12ab', /merchant id/],
    ['HAOKA_WECHAT_APP_ID', 'app', /app id/],
    ['HAOKA_WECHAT_PUBLIC_KEY_ID', 'KEY1', /PUB_KEY_ID_/],
    ['HAOKA_WECHAT_APIV3_KEY', 'short', /32 printable characters/],
    ['HAOKA_WECHAT_PRIVATE_KEY', 'not a key', /PEM private key/],
    ['HAOKA_WECHAT_PUBLIC_KEY', 'not a key', /PEM public key/],
    ['HAOKA_WECHAT_GATEWAY', 'ftp://x', /http/],
  ])('refuses a malformed %s', (name, value, message) => {
    expect(() => loadWechatConfig({ ...FULL, [name]: value })).toThrow(WechatConfigError);
    expect(() => loadWechatConfig({ ...FULL, [name]: value })).toThrow(message);
  });

  it('stops start-up with a configuration error naming the variable', () => {
    expect(() => loadConfig({ HAOKA_WECHAT_MCH_ID: '1230000109' })).toThrow(ConfigError);
    expect(loadConfig(FULL).wechat).toMatchObject({ mchId: '1230000109' });
  });
});
