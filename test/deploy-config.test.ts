// deploy/haoka.env.example is what the systemd units read: once its key files exist, it is a valid production
// configuration, and with one of them missing start-up names that file's variable.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'haoka-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example's variables, with each key file moved into this test's folder and filled with a fresh key. */
function exampleEnv(skip?: string): Record<string, string> {
  const env: Record<string, string> = {};
  const text = readFileSync(new URL('../deploy/haoka.env.example', import.meta.url), 'utf8');
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, name, value] = m as unknown as [string, string, string];
    if (!name.endsWith('_FILE')) { env[name] = value; continue; }
    const file = join(dir, value.split('/').at(-1)!);
    const key = name === 'HAOKA_SECRET_FILE' ? `k1:${'m'.repeat(40)}` : name.startsWith('HAOKA_WECHAT_APIV3') ? 'A'.repeat(32) : `${name.toLowerCase()}-0123456789abcdef`;
    if (name !== skip) writeFileSync(file, `${key}\n`);
    else rmSync(file, { force: true });
    env[name] = file;
  }
  return env;
}

describe('the deployment example environment', () => {
  it('is a production configuration behind a trusted local proxy', () => {
    const cfg = loadConfig(exampleEnv());
    expect(cfg.mode).toBe('production');
    expect(cfg.trustProxy).toEqual(['127.0.0.1']);
    expect(cfg.databaseUrl).toMatch(/^postgres:\/\//);
    expect(cfg.secret?.map((k) => k.id)).toEqual(['k1']);
    expect(cfg.simulatorRoutes).toBe(false);
  });

  it('names the variable whose key file is missing', () => {
    expect(() => loadConfig(exampleEnv('HAOKA_CARRIER_SECRET_FILE'))).toThrow(ConfigError);
    expect(() => loadConfig(exampleEnv('HAOKA_CARRIER_SECRET_FILE'))).toThrow(/HAOKA_CARRIER_SECRET_FILE/);
  });
});
