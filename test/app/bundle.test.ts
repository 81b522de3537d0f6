// What `npm start` runs: the command line bundled into dist/server/haoka.mjs serves like the sources do.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundle } from '../../scripts/bundle.ts';

const dir = mkdtempSync(join(tmpdir(), 'haoka-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the compiled server', () => {
  it('is built with its data sets beside it, serves ready on a new store and stops on SIGTERM', async () => {
    const out = await bundle({ haoka: 'src/cli/index.ts' }, 'dist/server');
    expect(existsSync(join(out, 'data', 'intents.json'))).toBe(true);
    expect(existsSync(join(out, 'data', 'reasons.json'))).toBe(true);
    const child = spawn(process.execPath, [join(out, 'haoka.mjs'), 'serve'], {
      env: { ...process.env, HAOKA_PORT: '0', HAOKA_DATABASE_URL: join(dir, 'haoka.db'), HAOKA_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    let log = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bundle did not start: ${log}`)), 30_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const m = /"url":"(http:\/\/[^"]+?)\/?"/.exec(log);
        if (m && log.includes('haoka is serving')) { clearTimeout(timer); resolve(m[1]!); }
      });
      child.on('exit', (code) => reject(new Error(`the bundle exited with ${code}: ${log}`)));
    });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', migrations: 'current' });
    const plans = await fetch(`${url}/api/v1/plans`);
    expect(plans.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log).toContain('haoka stopped');
  }, 60_000);
});
