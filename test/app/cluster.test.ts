// `haoka serve --processes 2`: two server processes on one port and a worker process of their own, started,
// kept running when one dies, and stopped together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../fixtures/engine.ts';
import { call, kill, startProcess, type Proc } from '../fixtures/processes.ts';
import { ADDRESS, residentId } from '../fixtures/harness.ts';

let db: TestDatabase;
let proc: Proc | null = null;
let logs = '';
beforeAll(async () => { db = await freshDatabase(); }, 60_000);
afterAll(async () => {
  if (proc && proc.child.exitCode === null) await kill(proc);
  await db?.drop();
});

const lines = () => logs.split('\n').filter(Boolean).map((l) => { try { return JSON.parse(l) as Record<string, any>; } catch { return {}; } });

async function until<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} never came: ${logs.slice(-1500)}`);
}

/** The demo's simulated SMS inbox lives in the process that sent the code: asked again, the next process answers. */
async function signInAnywhere(base: string, phone: string): Promise<string> {
  await call(base, 'POST', '/api/v1/auth/code', undefined, { phone });
  for (let i = 0; i < 6; i++) {
    const text = (await call(base, 'GET', `/sim/sms/${phone}`)).body.messages[0]?.body as string | undefined;
    if (text) return (await call(base, 'POST', '/api/v1/auth/customer', undefined, { phone, code: /(\d{6})/.exec(text)![1] })).body.token;
  }
  throw new Error('no sign-in code in any process\'s inbox');
}

describe('serve --processes', () => {
  it('refuses a count that is not 1 to 64', async () => {
    await expect(startProcess('serve', { HAOKA_DATABASE_URL: db.url }, { args: ['--processes', '0'] })).rejects.toThrow(/--processes must be a whole number from 1 to 64/);
  }, 60_000);

  it('serves from two processes on one port, restarts one that dies, and stops them all on SIGTERM', async () => {
    proc = await startProcess('serve', { HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: 'cluster-test-secret-0123456789' }, { args: ['--processes', '2'] });
    // What the processes said while starting (the worker may be ready first), then everything after.
    logs = proc.startOutput;
    proc.child.stdout!.on('data', (c: Buffer) => { logs += c.toString(); });
    const ready = await until('two server processes and a worker', () => {
      const l = lines();
      const servers = l.filter((x) => x.msg === 'haoka server process ready');
      const worker = l.find((x) => x.msg === 'haoka worker running');
      return servers.length === 2 && worker ? { servers, worker } : undefined;
    });
    const pids = ready.servers.map((s) => s.pid as number);
    expect(new Set([...pids, ready.worker.pid]).size).toBe(3);
    expect(pids).not.toContain(proc.child.pid);
    // Both listen on the port the first process announced, and only the worker process runs timers.
    expect(ready.servers.map((s) => [s.url, s.worker])).toEqual([[`${proc.url}/`, false], [`${proc.url}/`, false]]);
    expect((await fetch(`${proc.url}/api/v1/plans`)).status).toBe(200);
    // A demo customer orders and pays in WeChat: the requests land on either process, the fake channel is one.
    const token = await signInAnywhere(proc.url!, '13600002001');
    const number = (await call(proc.url!, 'GET', '/api/v1/numbers?carrier=china_mobile&limit=1')).body.numbers[0];
    for (let i = 0; i < 3; i++) {
      const order = await call(proc.url!, 'POST', '/api/v1/orders', token, { planId: 'cm-129', numberId: i === 0 ? number.id : (await call(proc.url!, 'GET', `/api/v1/numbers?carrier=china_mobile&limit=1&offset=${i}`)).body.numbers[0].id, contactName: '赵六', contactPhone: '13600002001', residentId: residentId(700 + i), address: ADDRESS });
      expect(order.status).toBe(201);
      const pay = await call(proc.url!, 'POST', `/api/v1/orders/${order.body.id}/payments`, token, { channel: 'wechat' });
      expect((await call(proc.url!, 'POST', pay.body.payUrl)).status).toBe(200);
      // WeChat's notification follows the payment by a moment, from whichever process the customer paid on.
      expect(await until('the payment notification', async () => (await call(proc!.url!, 'GET', `/api/v1/orders/${order.body.id}`, token)).body.state === 'paid')).toBe(true);
    }

    process.kill(pids[0]!, 'SIGKILL');
    const again = await until('a replacement server process', () => lines().filter((x) => x.msg === 'haoka server process ready' && !pids.includes(x.pid)).at(0));
    expect(lines().some((x) => x.msg === 'haoka process exited; starting another' && x.pid === pids[0] && x.role === 'serve')).toBe(true);
    const answers = await Promise.all(Array.from({ length: 10 }, () => fetch(`${proc!.url}/api/v1/plans`).then((r) => r.status)));
    expect(answers).toEqual(Array(10).fill(200));

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    const live = [pids[1]!, again.pid as number, ready.worker.pid as number].filter((pid) => { try { process.kill(pid, 0); return true; } catch { return false; } });
    expect(live).toEqual([]);
    expect(lines().filter((x) => x.msg === 'haoka stopped').length).toBe(4);
  }, 180_000);
});
