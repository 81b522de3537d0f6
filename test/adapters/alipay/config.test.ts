import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { ALIPAY_DEFAULT_GATEWAY, AlipayConfigError, keysMatch, loadAlipayConfig, readPrivateKey, readPublicKey } from '../../../src/adapters/payment/alipay/config.ts';
import { keyPair } from '../../../src/adapters/payment/wechat-fake/keys.ts';

const app = keyPair(null, 'test-alipay-app');
const platform = keyPair(null, 'test-alipay-platform');
/** Alipay's key tool prints keys as bare base64, without PEM armour. */
const bare = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
const FULL = { HAOKA_ALIPAY_APP_ID: '2021004100000001', HAOKA_ALIPAY_PRIVATE_KEY: app.privateKeyPem, HAOKA_ALIPAY_PUBLIC_KEY: platform.publicKeyPem };

describe('the Alipay application from configuration', () => {
  it('is absent when none of its settings is given', () => {
    expect(loadAlipayConfig({})).toBeNull();
  });

  it('reads every setting, keys as PEM or as the key tool\u2019s bare base64, from files too; the gateway defaults to Alipay\u2019s', () => {
    expect(loadAlipayConfig(FULL)).toMatchObject({ appId: '2021004100000001', gateway: ALIPAY_DEFAULT_GATEWAY, notifyBaseUrl: null, sellerId: null });
    const dir = mkdtempSync(join(tmpdir(), 'haoka-alipay-keys-'));
    try {
      writeFileSync(join(dir, 'app_private_key.txt'), `${bare(app.privateKeyPem)}\n`);
      writeFileSync(join(dir, 'alipay_public_key.txt'), bare(platform.publicKeyPem));
      const cfg = loadAlipayConfig({
        HAOKA_ALIPAY_APP_ID: FULL.HAOKA_ALIPAY_APP_ID, HAOKA_ALIPAY_PRIVATE_KEY_FILE: join(dir, 'app_private_key.txt'), HAOKA_ALIPAY_PUBLIC_KEY_FILE: join(dir, 'alipay_public_key.txt'),
        HAOKA_ALIPAY_GATEWAY: 'http://127.0.0.1:9000/gateway.do', HAOKA_ALIPAY_NOTIFY_BASE_URL: 'https://shop.example.com/', HAOKA_ALIPAY_SELLER_ID: '2088721000000001',
      })!;
      expect(cfg).toMatchObject({ gateway: 'http://127.0.0.1:9000/gateway.do', notifyBaseUrl: 'https://shop.example.com', sellerId: '2088721000000001' });
      expect(keysMatch(readPrivateKey(cfg.privateKeyPem)!, readPublicKey(app.publicKeyPem)!)).toBe(true);
      expect(keysMatch(readPrivateKey(cfg.privateKeyPem)!, readPublicKey(cfg.alipayPublicKeyPem)!)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names what is missing when only part of the application is given', () => {
    expect(() => loadAlipayConfig({ HAOKA_ALIPAY_APP_ID: FULL.HAOKA_ALIPAY_APP_ID })).toThrow(/HAOKA_ALIPAY_PRIVATE_KEY, HAOKA_ALIPAY_PUBLIC_KEY missing/);
  });

  it.each([
    [{ HAOKA_ALIPAY_APP_ID: 'wx12345' }, /16 digits/],
    [{ HAOKA_ALIPAY_PRIVATE_KEY: 'not a key' }, /HAOKA_ALIPAY_PRIVATE_KEY: not an RSA private key/],
    [{ HAOKA_ALIPAY_PUBLIC_KEY: app.privateKeyPem.replace(/PRIVATE/g, 'PUBLIC') }, /HAOKA_ALIPAY_PUBLIC_KEY: not an RSA public key/],
    [{ HAOKA_ALIPAY_SELLER_ID: '1234' }, /2088 followed by 12 digits/],
    [{ HAOKA_ALIPAY_GATEWAY: 'openapi.alipay.com' }, /HAOKA_ALIPAY_GATEWAY=.* is not a URL/],
    [{ HAOKA_ALIPAY_NOTIFY_BASE_URL: 'ftp://shop.example.com' }, /only http\(s\)/],
  ])('refuses a malformed setting: %j', (change, message) => {
    expect(() => loadAlipayConfig({ ...FULL, ...change })).toThrow(AlipayConfigError);
    expect(() => loadAlipayConfig({ ...FULL, ...change })).toThrow(message);
  });

  it('stops start-up with a ConfigError naming the variable', () => {
    expect(() => loadConfig({ ...FULL, HAOKA_ALIPAY_APP_ID: 'x' })).toThrow(ConfigError);
    expect(loadConfig(FULL).alipay).toMatchObject({ appId: FULL.HAOKA_ALIPAY_APP_ID });
  });
});
