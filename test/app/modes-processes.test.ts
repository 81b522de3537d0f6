// The modes as a deployment meets them: real `haoka` processes started with a configuration.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../fixtures/engine.ts';
import { kill, startProcess, type Proc } from '../fixtures/processes.ts';
import { PRODUCTION_ENV } from '../fixtures/production.ts';

const BIN = fileURLToPath(new URL('../../bin/haoka.js', import.meta.url));

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, HAOKA_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
  // A process that should have stopped but serves instead is ended, and the test sees it did not stop by itself.
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  return new Promise((res) => child.on('exit', (code) => { clearTimeout(timer); res({ code, output }); }));
}

describe('haoka in production', () => {
  let db: TestDatabase;
  let proc: Proc | null = null;
  beforeAll(async () => { db = await freshDatabase(); });
  afterAll(async () => {
    if (proc) await kill(proc, 'SIGTERM');
    await db?.drop();
  });

  it('says its mode on start-up and on /readyz, mounts no /sim, and makes no demo staff accounts by itself', async () => {
    proc = await startProcess('serve', { ...PRODUCTION_ENV, HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: 'k1:process-master-secret-0123456789' });
    expect(proc.startOutput).toMatch(/"mode":"production".*"msg":"haoka is serving"/);
    expect(await (await fetch(`${proc.url}/readyz`)).json()).toMatchObject({ status: 'ready', mode: 'production', simulatorRoutes: 'off' });
    expect((await fetch(`${proc.url}/sim/sms/13800138000`)).status).toBe(404);
    const signIn = await fetch(`${proc.url}/api/v1/auth/agent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'operator', password: 'ops123' }) });
    expect(signIn.status).toBe(401);
  }, 60_000);

  it('refuses to seed the demo catalog, whose staff passwords are published', async () => {
    const r = await run(['seed', '--demo'], { ...PRODUCTION_ENV, HAOKA_DATABASE_URL: db.url });
    expect(r.code).toBe(2);
    expect(r.output).toContain('HAOKA_MODE=production');
  }, 60_000);
});

describe('haoka in demo', () => {
  it('stops before listening on a non-loopback address, naming HAOKA_HOST and HAOKA_MODE', async () => {
    const r = await run(['serve'], { HAOKA_HOST: '0.0.0.0', HAOKA_DATABASE_URL: ':memory:' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/configuration error: .*HAOKA_HOST.*HAOKA_MODE/);
    expect(r.output).not.toContain('haoka is serving');
  }, 60_000);
});
