// `haoka doctor` run as a deployment runs it: every check printed ok or PROBLEM, what is still lacking, and an
// exit code that fails the deployment script when something is wrong. Nothing is written (no store is created).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyPair } from '../../src/adapters/payment/wechat-fake/keys.ts';
import { PRODUCTION_ENV } from '../fixtures/production.ts';
import { runCli, runHaoka } from '../fixtures/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'haoka-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const app = keyPair(null, 'test-doctor-app');
const other = keyPair(null, 'test-doctor-other');
writeFileSync(join(dir, 'app_private_key.pem'), app.privateKeyPem);
writeFileSync(join(dir, 'app_public_key.pem'), app.publicKeyPem);
writeFileSync(join(dir, 'other_public_key.pem'), other.publicKeyPem);

describe('haoka doctor', () => {
  it('passes a demo on a migrated store, saying it takes no real money', async () => {
    const env = { HAOKA_DATABASE_URL: join(dir, 'demo.db') };
    expect((await runHaoka(['migrate'], env)).code).toBe(0);
    const r = await runCli(['doctor'], env);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/^ok {6}store schema: every migration applied$/m);
    expect(r.output).toMatch(/^ok {6}payment channels: offered: alipay, wechat, bank$/m);
    expect(r.output).toMatch(/still lacking:\n {2}- HAOKA_MODE=production/);
    expect(r.output).toMatch(/0 problem\(s\)/);
  });

  it('finds a production Alipay set up with its own public key, a mismatched uploaded key, a plain-http notify address and no store', async () => {
    const { HAOKA_ALIPAY_NOTIFY_KEY: _a, HAOKA_WECHAT_NOTIFY_KEY: _w, HAOKA_WECHAT_APIV3_KEY: _v, HAOKA_BANK_NOTIFY_KEY: _b, ...base } = PRODUCTION_ENV;
    const store = join(dir, 'absent.db');
    const r = await runCli(['doctor'], {
      ...base, HAOKA_DATABASE_URL: store, HAOKA_HOST: '127.0.0.1',
      HAOKA_ALIPAY_APP_ID: '2021004100000001', HAOKA_ALIPAY_PRIVATE_KEY_FILE: join(dir, 'app_private_key.pem'),
      HAOKA_ALIPAY_PUBLIC_KEY_FILE: join(dir, 'app_public_key.pem'), HAOKA_ALIPAY_APP_PUBLIC_KEY_FILE: join(dir, 'other_public_key.pem'),
      HAOKA_ALIPAY_NOTIFY_BASE_URL: 'http://shop.example.com',
    });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/^ok {6}mode: production$/m);
    expect(r.output).toMatch(/^PROBLEM store: no store at .*absent\.db: run haoka migrate/m);
    expect(r.output).toMatch(/^PROBLEM Alipay public key: HAOKA_ALIPAY_PUBLIC_KEY is the application's own public key/m);
    expect(r.output).toMatch(/^PROBLEM Alipay application public key: HAOKA_ALIPAY_APP_PUBLIC_KEY is not the half of HAOKA_ALIPAY_PRIVATE_KEY/m);
    expect(r.output).toMatch(/^PROBLEM Alipay notify address: http:\/\/shop\.example\.com\/api\/v1\/payments\/alipay\/notify: production talks to its partners over https only/m);
    expect(r.output).toMatch(/^ok {6}Alipay gateway: https:\/\/openapi\.alipay\.com\/gateway\.do$/m);
    expect(r.output).toMatch(/^ok {6}payment channels: offered: alipay; not offered: wechat, bank$/m);
    expect(r.output).toMatch(/Kuaidi100/);
    expect(r.output).toMatch(/- the carrier \(HAOKA_CARRIER_URL, HAOKA_CARRIER_APP_ID\): numbers are released and lines closed at the simulated carrier/);
    expect(existsSync(store)).toBe(false);
  });

  it('reports a configuration that does not load, naming the variable, and fails', async () => {
    const r = await runCli(['doctor'], { HAOKA_DATABASE_URL: join(dir, 'demo.db'), HAOKA_ALIPAY_APP_ID: '2021004100000001' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/^PROBLEM configuration: Alipay is partly configured: HAOKA_ALIPAY_PRIVATE_KEY, HAOKA_ALIPAY_PUBLIC_KEY missing/m);
  });

  it('checks the bank interface: its merchant, an address over plain http, the notify address; a bank through its key alone is still lacking', async () => {
    const { HAOKA_ALIPAY_NOTIFY_KEY: _a, HAOKA_WECHAT_NOTIFY_KEY: _w, HAOKA_WECHAT_APIV3_KEY: _v, ...base } = PRODUCTION_ENV;
    const env = { ...base, HAOKA_DATABASE_URL: join(dir, 'absent.db'), HAOKA_HOST: '127.0.0.1' };
    const keyOnly = await runCli(['doctor'], env);
    expect(keyOnly.output).toMatch(/^ {2}- bank: offered through its notification key only/m);
    const r = await runCli(['doctor'], { ...env, HAOKA_BANK_MERCHANT_ID: 'M100200300', HAOKA_BANK_GATEWAY: 'http://bank.example.com/api', HAOKA_BANK_NOTIFY_BASE_URL: 'https://shop.example.com' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/^ok {6}bank interface: merchant M100200300, requests and answers signed with HAOKA_BANK_NOTIFY_KEY$/m);
    expect(r.output).toMatch(/^PROBLEM bank interface address: http:\/\/bank\.example\.com\/api: production talks to its partners over https only$/m);
    expect(r.output).toMatch(/^ok {6}bank notify address: https:\/\/shop\.example\.com\/api\/v1\/payments\/callback\/bank$/m);
    expect(r.output).not.toMatch(/- bank: offered through its notification key only/);
  });
});
