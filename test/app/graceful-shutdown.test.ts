// SIGTERM to a real `haoka serve`: the request it is in the middle of still gets its answer, then the
// process exits cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { freshDatabase, type TestDatabase } from '../fixtures/engine.ts';
import { kill, startProcess, type Proc } from '../fixtures/processes.ts';

let db: TestDatabase;
let proc: Proc | null = null;
beforeAll(async () => { db = await freshDatabase(); }, 60_000);
afterAll(async () => {
  if (proc && proc.child.exitCode === null) await kill(proc);
  await db?.drop();
});

/** Resolves with everything read so far once `re` matches it. */
function until(read: () => string, subscribe: (f: () => void) => void, re: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} never came: ${read().slice(-500)}`)), 20_000);
    const check = () => { if (re.test(read())) { clearTimeout(timer); resolve(read()); } };
    subscribe(check);
    check();
  });
}

/** Resolves once a new connection to the port is refused (polling: the moment is the server's to choose). */
async function refused(port: number, host: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, host);
      s.once('connect', () => { s.destroy(); res(true); });
      s.once('error', () => res(false));
    });
    if (!ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the server kept accepting connections after SIGTERM');
}

describe('graceful shutdown', () => {
  it('finishes a request that is in flight when SIGTERM arrives, then exits with code 0', async () => {
    proc = await startProcess('serve', { HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: 'shutdown-test-secret-0123456789', HAOKA_LOG_LEVEL: 'info' });
    let logs = '';
    const logListeners: (() => void)[] = [];
    proc.child.stdout!.on('data', (c: Buffer) => { logs += c.toString(); for (const f of logListeners) f(); });

    const { hostname, port } = new URL(proc.url!);
    const socket = connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    let answer = '';
    const answerListeners: (() => void)[] = [];
    socket.on('data', (c: Buffer) => { answer += c.toString(); for (const f of answerListeners) f(); });
    await new Promise<void>((res, rej) => { socket.once('connect', () => res()); socket.once('error', rej); });

    const body = JSON.stringify({ phone: '13800138000' });
    // Expect: 100-continue makes the server say it has the request before the body is sent: the request
    // is provably in flight when the signal arrives.
    socket.write(`POST /api/v1/auth/code HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    await until(() => answer, (f) => answerListeners.push(f), /HTTP\/1\.1 100 Continue/, 'the 100 Continue');

    proc.child.kill('SIGTERM');
    await until(() => logs, (f) => logListeners.push(f), /"msg":"haoka is stopping"/, 'the stopping log line');
    // The server has stopped taking connections (the shutdown is under way) while our request waits.
    await refused(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    expect(proc.child.exitCode).toBeNull();

    socket.write(body);
    const full = await until(() => answer, (f) => answerListeners.push(f), /HTTP\/1\.1 [2-5]\d\d[^]*\r\n\r\n[^]*\}/, 'the answer');
    expect(full).toMatch(/HTTP\/1\.1 200 OK/);
    expect(full).toContain('"sentTo":"138****8000"');

    expect(await proc.exited).toBe(0);
    expect(logs).toMatch(/"msg":"haoka stopped"/);
    socket.destroy();
  }, 60_000);
});
