// The two modes and the keys from configuration: demo stays on loopback with its published keys; production
// takes the master secret and every partner key from the environment or files, and stops naming what is missing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { PARTNER_KEY_VARIABLES } from '../src/config-keys.ts';
import { DEMO_PARTNER_KEYS } from '../src/adapters/sim/demo-keys.ts';
import { PRODUCTION_ENV } from './fixtures/production.ts';

function refusal(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env as NodeJS.ProcessEnv);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

describe('modes', () => {
  it('is demo by default, with the simulators mounted and no key required', () => {
    expect(loadConfig({})).toMatchObject({ mode: 'demo', simulatorRoutes: true, secret: null, partnerKeys: {} });
  });

  it('refuses to serve the demo on a non-loopback address, naming HAOKA_HOST and HAOKA_MODE', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'haoka.example.com', '128.0.0.1']) {
      const message = refusal({ HAOKA_HOST: host });
      expect(message).toContain('HAOKA_HOST');
      expect(message).toContain('HAOKA_MODE');
    }
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(loadConfig({ HAOKA_HOST: host }).host).toBe(host);
  });

  it('serves production anywhere, never with /sim, and stops when /sim is asked for there', () => {
    expect(loadConfig({ ...PRODUCTION_ENV, HAOKA_HOST: '0.0.0.0' })).toMatchObject({ mode: 'production', host: '0.0.0.0', simulatorRoutes: false });
    expect(loadConfig({ ...PRODUCTION_ENV, HAOKA_SIMULATOR_ROUTES: 'off' }).simulatorRoutes).toBe(false);
    expect(refusal({ ...PRODUCTION_ENV, HAOKA_SIMULATOR_ROUTES: 'on' })).toContain('HAOKA_SIMULATOR_ROUTES');
    expect(refusal({ HAOKA_MODE: 'prod' })).toContain('HAOKA_MODE');
  });

  it('reads every key of production from the environment', () => {
    const c = loadConfig(PRODUCTION_ENV);
    expect(c.secret).toEqual([{ id: 'k1', secret: 'prod-master-secret-0123456789' }]);
    expect(c.partnerKeys).toEqual({
      alipay: 'alipay-notify-key-0123456789', wechat: 'wechat-notify-key-0123456789', wechatApiV3: 'wechat-apiv3-key-0123456789abcde',
      bank: 'bank-notify-key-0123456789', courier: 'courier-callback-key-0123456789', carrier: 'carrier-md5kv-secret-0123456789',
    });
  });

  it('stops production without any one of its keys, naming it (a payment channel\u2019s key only offers that channel: config-channels.test.ts)', () => {
    for (const name of ['HAOKA_SECRET', PARTNER_KEY_VARIABLES.courier, PARTNER_KEY_VARIABLES.carrier]) {
      const env = { ...PRODUCTION_ENV, [name]: undefined };
      expect(refusal(env)).toContain(name);
    }
  });

  it('stops on a malformed key, naming it', () => {
    const bad: [string, string][] = [
      ['HAOKA_SECRET', 'short'],
      ['HAOKA_SECRET', 'k2:second-secret-0123456789,k2:first-secret-0123456789'],
      ['HAOKA_SECRET', 'k2:second-secret-0123456789,no-id-secret-0123456789'],
      ['HAOKA_SECRET', 'k2:has a space in the secret 0123'],
      ['HAOKA_WECHAT_NOTIFY_KEY', 'too-short'],
      ['HAOKA_WECHAT_APIV3_KEY', 'not-thirty-two-characters'],
      ['HAOKA_CARRIER_SECRET', ''],
      // The demo's keys are in the source: in production they are no key at all.
      ['HAOKA_WECHAT_NOTIFY_KEY', DEMO_PARTNER_KEYS.wechat],
      ['HAOKA_COURIER_CALLBACK_KEY', 'haoka-simulated-courier-key'],
    ];
    for (const [name, value] of bad) expect(refusal({ ...PRODUCTION_ENV, [name]: value }), `${name}=${value}`).toContain(name);
    expect(refusal({ HAOKA_SECRET: 'short' })).toContain('HAOKA_SECRET');
  });

  it('still reads the carrier’s key under its former name, HAOKA_CARRIER_CALLBACK_KEY, when the current one is not set', () => {
    const { HAOKA_CARRIER_SECRET: secret, ...rest } = PRODUCTION_ENV;
    expect(loadConfig({ ...rest, HAOKA_CARRIER_CALLBACK_KEY: secret! }).partnerKeys.carrier).toBe(secret);
    expect(loadConfig({ ...PRODUCTION_ENV, HAOKA_CARRIER_CALLBACK_KEY: 'an-older-carrier-key-0123456789' }).partnerKeys.carrier).toBe(secret);
    expect(refusal({ ...rest, HAOKA_CARRIER_CALLBACK_KEY: 'short' })).toContain('HAOKA_CARRIER_CALLBACK_KEY');
    expect(refusal(rest)).toContain('HAOKA_CARRIER_SECRET');
  });

  it('takes several master keys with ids, current first; a lone secret without an id is k0', () => {
    expect(loadConfig({ HAOKA_SECRET: 'k2:second-secret-0123456789,k1:first-secret-0123456789' }).secret)
      .toEqual([{ id: 'k2', secret: 'second-secret-0123456789' }, { id: 'k1', secret: 'first-secret-0123456789' }]);
    expect(loadConfig({ HAOKA_SECRET: 'test-secret-0123456789abcdef' }).secret).toEqual([{ id: 'k0', secret: 'test-secret-0123456789abcdef' }]);
  });

  it('reads a key from the file its _FILE variable names, one id:secret a line for the master keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'haoka-keys-'));
    writeFileSync(join(dir, 'secret'), '# rotated in March\nk2:second-secret-0123456789\nk1:first-secret-0123456789\n');
    writeFileSync(join(dir, 'wechat'), 'wechat-key-from-a-file-0123\n');
    const env = { ...PRODUCTION_ENV, HAOKA_SECRET: undefined, HAOKA_SECRET_FILE: join(dir, 'secret'), HAOKA_WECHAT_NOTIFY_KEY: undefined, HAOKA_WECHAT_NOTIFY_KEY_FILE: join(dir, 'wechat') };
    const c = loadConfig(env as NodeJS.ProcessEnv);
    expect(c.secret!.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(c.partnerKeys.wechat).toBe('wechat-key-from-a-file-0123');
    expect(refusal({ ...env, HAOKA_SECRET_FILE: join(dir, 'missing') })).toContain('HAOKA_SECRET_FILE');
    expect(refusal({ ...env, HAOKA_WECHAT_NOTIFY_KEY: 'wechat-notify-key-0123456789' })).toContain('HAOKA_WECHAT_NOTIFY_KEY_FILE');
  });

  it('reads the carrier’s address and app id, refusing half of them, plain http in production and the demo’s app id there', () => {
    expect(loadConfig(PRODUCTION_ENV).carrier).toBeNull();
    const carrier = { HAOKA_CARRIER_URL: 'https://open.carrier.example/api/', HAOKA_CARRIER_APP_ID: 'C200118' };
    expect(loadConfig({ ...PRODUCTION_ENV, ...carrier }).carrier).toEqual({ url: 'https://open.carrier.example/api', appId: 'C200118' });
    expect(refusal({ ...PRODUCTION_ENV, HAOKA_CARRIER_URL: carrier.HAOKA_CARRIER_URL })).toContain('HAOKA_CARRIER_APP_ID');
    expect(refusal({ ...PRODUCTION_ENV, ...carrier, HAOKA_CARRIER_URL: 'http://open.carrier.example' })).toContain('HAOKA_CARRIER_URL');
    expect(refusal({ ...PRODUCTION_ENV, ...carrier, HAOKA_CARRIER_APP_ID: 'HKCARRIER01' })).toContain('HAOKA_CARRIER_APP_ID');
    expect(loadConfig({ ...carrier, HAOKA_CARRIER_URL: 'http://127.0.0.1:9000' }).carrier).toEqual({ url: 'http://127.0.0.1:9000', appId: 'C200118' });
  });
});
