// Kuaidi100's settings: read in one place, refused with a message naming the variable when they cannot work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKuaidi100Config } from '../src/config-kuaidi100.ts';
import { DEMO_KUAIDI100 } from '../src/adapters/courier/kuaidi100/fake/demo-account.ts';

const FULL = {
  HAOKA_KUAIDI100_CUSTOMER: 'A1B2C3D4E5F6', HAOKA_KUAIDI100_KEY: 'real-key-1234567', HAOKA_KUAIDI100_SALT: 'real-salt-123456',
  HAOKA_KUAIDI100_SECRET: 'real-secret-1234', HAOKA_KUAIDI100_CALLBACK_URL: 'https://haoka.example.com/api/v1/courier/kuaidi100/callback',
};

describe('Kuaidi100 configuration', () => {
  it('is absent when nothing is set, and defaults to Kuaidi100\u2019s own endpoints and SF Express', () => {
    expect(loadKuaidi100Config({}, true)).toBeNull();
    expect(loadKuaidi100Config(FULL, true)).toEqual({
      customer: 'A1B2C3D4E5F6', key: 'real-key-1234567', salt: 'real-salt-123456', secret: 'real-secret-1234',
      pollEndpoint: 'https://poll.kuaidi100.com', apiEndpoint: 'https://api.kuaidi100.com', company: 'shunfeng',
      callbackUrl: FULL.HAOKA_KUAIDI100_CALLBACK_URL, partnerId: null,
    });
  });

  it('reads the key, salt and secret from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k100-'));
    try {
      writeFileSync(join(dir, 'key'), 'file-key-12345678\n');
      const { HAOKA_KUAIDI100_KEY: _, ...rest } = FULL;
      expect(loadKuaidi100Config({ ...rest, HAOKA_KUAIDI100_KEY_FILE: join(dir, 'key') }, true)?.key).toBe('file-key-12345678');
      expect(() => loadKuaidi100Config({ ...FULL, HAOKA_KUAIDI100_KEY_FILE: join(dir, 'key') }, true)).toThrow(/both set/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses in production a partial account, the demo values, plain http and a company code that is not one', () => {
    expect(() => loadKuaidi100Config({ HAOKA_KUAIDI100_KEY: 'real-key-1234567' }, true)).toThrow(/HAOKA_KUAIDI100_SALT.*HAOKA_KUAIDI100_CUSTOMER.*HAOKA_KUAIDI100_CALLBACK_URL/);
    expect(() => loadKuaidi100Config({ ...FULL, HAOKA_KUAIDI100_SALT: DEMO_KUAIDI100.salt }, true)).toThrow(/demo value/);
    expect(() => loadKuaidi100Config({ ...FULL, HAOKA_KUAIDI100_ENDPOINT: 'http://poll.kuaidi100.com' }, true)).toThrow(/HAOKA_KUAIDI100_ENDPOINT must be an https/);
    expect(() => loadKuaidi100Config({ ...FULL, HAOKA_KUAIDI100_COMPANY: 'SF Express' }, true)).toThrow(/HAOKA_KUAIDI100_COMPANY/);
    // Demo may point at a fake on 127.0.0.1 over plain http.
    expect(loadKuaidi100Config({ HAOKA_KUAIDI100_ENDPOINT: 'http://127.0.0.1:9999' }, false)).toMatchObject({ pollEndpoint: 'http://127.0.0.1:9999', key: DEMO_KUAIDI100.key });
  });
});
