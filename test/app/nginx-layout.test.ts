// The production layout in deploy/: nginx (TLS) in front of two `haoka serve` processes and a `haoka worker`
// on one store, started on 127.0.0.1 from the repository's own nginx configuration. Skipped where nginx is not
// installed (.ci/run installs it).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../fixtures/engine.ts';
import { ADDRESS, residentId } from '../fixtures/harness.ts';
import { kill, runCli, startProcess, type Proc } from '../fixtures/processes.ts';
import { stablePort } from '../fixtures/ports.ts';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const CONF = new URL('../../deploy/nginx/haoka.conf', import.meta.url);


interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: any }

/**
 * The repository's server blocks, pointed at this test's ports and certificate: the upstream lines become the
 * two server processes, the listens move to 127.0.0.1, everything else is kept as written.
 */
function testConfig(dir: string, ports: { http: number; https: number; upstream: number[] }): string {
  let conf = readFileSync(CONF, 'utf8');
  const upstreams = [...conf.matchAll(/^\s*server 127\.0\.0\.1:\d+[^;]*;$/gm)];
  expect(upstreams.length).toBe(2);
  conf = conf.replace(/^(\s*server) 127\.0\.0\.1:\d+/gm, (_m, pre: string) => `${pre} 127.0.0.1:${ports.upstream.shift()}`);
  conf = conf.replace(/^\s*listen \[::\]:\d+[^;]*;\n/gm, '');
  conf = conf.replace(/listen 80;/, `listen 127.0.0.1:${ports.http};`);
  conf = conf.replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${ports.https} ssl http2;`);
  conf = conf.replace(/ssl_certificate\s+\S+;/, `ssl_certificate ${dir}/cert.pem;`).replace(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${dir}/key.pem;`);
  writeFileSync(join(dir, 'haoka.conf'), conf);
  const temp = (name: string) => `${name}_temp_path ${dir}/${name};`;
  return [
    'daemon off;', 'worker_processes 1;', `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log warn;`,
    'events { worker_connections 256; }',
    `http { access_log ${dir}/access.log; ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join(' ')} include ${dir}/haoka.conf; }`,
  ].join('\n');
}

describe.skipIf(!NGINX)('nginx in front of two servers and a worker (deploy/)', () => {
  let db: TestDatabase;
  let dir: string;
  let nginx: ChildProcess;
  let ca: Buffer;
  let ports: { http: number; https: number };
  let env: Record<string, string>;
  const procs: Proc[] = [];

  const call = (method: string, path: string, token?: string, body?: unknown, key?: string): Promise<Answer> => new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpsRequest({
      host: '127.0.0.1', port: ports.https, method, path, ca, servername: 'localhost',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload ? { 'content-type': 'application/json' } : {}), ...(key ? { 'idempotency-key': key } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : null }));
    });
    req.once('error', reject);
    req.end(payload);
  });

  beforeAll(async () => {
    db = await freshDatabase();
    dir = mkdtempSync(join(tmpdir(), 'haoka-nginx-'));
    chmodSync(dir, 0o755);
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) { mkdirSync(join(dir, t)); chmodSync(join(dir, t), 0o777); }
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    ca = readFileSync(join(dir, 'cert.pem'));

    const upstream = [await stablePort(), await stablePort()];
    ports = { http: await stablePort(), https: await stablePort() };
    env = { HAOKA_DATABASE_URL: db.url, HAOKA_SECRET: 'nginx-layout-secret-0123456789', HAOKA_SIM_STATE_DIR: dir, HAOKA_LOG_LEVEL: 'info', HAOKA_TRUST_PROXY: '127.0.0.1' };
    for (const port of upstream) procs.push(await startProcess('serve', { ...env, HAOKA_WORKER: 'off', HAOKA_PORT: String(port) }));
    procs.push(await startProcess('worker', env));

    writeFileSync(join(dir, 'nginx.conf'), testConfig(dir, { ...ports, upstream: [...upstream] }));
    nginx = spawn(NGINX!, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    nginx.stderr!.on('data', (c: Buffer) => { errors += c.toString(); });
    for (let i = 0; ; i++) {
      const up = await call('GET', '/readyz').then((r) => r.status === 200, () => false);
      if (up) break;
      if (i > 100 || nginx.exitCode !== null) throw new Error(`nginx did not start: ${errors} ${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGQUIT');
      await new Promise((r) => nginx.once('exit', r));
    }
    for (const p of procs) if (p.child.exitCode === null) await kill(p, 'SIGTERM');
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: ports.http, path: '/api/v1/plans', headers: { host: 'haoka.example.com' } }, (r) => {
        r.resume();
        resolve({ status: r.statusCode!, location: r.headers.location });
      }).once('error', reject).end();
    });
    expect(res.status).toBe(301);
    expect(res.location).toBe('https://haoka.example.com/api/v1/plans');
  });

  it('carries a customer from sign-in to a paid order and a cancelled one over TLS, with its request id', async () => {
    const phone = '13911112222';
    // The demo's SMS inbox lives in the process that sent the code; a script's token comes from the command line.
    const cli = await runCli(['token', 'customer', phone], env);
    expect(cli.code).toBe(0);
    const token = cli.output.trim().split('\n').at(-1)!;
    const me = await call('GET', '/api/v1/orders', token);
    expect(me.status).toBe(200);
    // nginx gives every request an id (32 hex digits); the server takes it as its own and echoes it.
    expect(me.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);

    const numbers = (await call('GET', '/api/v1/numbers?carrier=china_mobile&limit=2')).body.numbers;
    const place = (n: number, key: string) => call('POST', '/api/v1/orders', token, {
      planId: 'cm-129', numberId: numbers[n].id, contactName: '赵六', contactPhone: phone, residentId: residentId(700 + n), address: ADDRESS,
    }, key);
    const first = await place(0, 'nginx-place-1');
    expect(first.status).toBe(201);
    // A retry with the same key, possibly answered by the other server process, is the same order.
    expect((await place(0, 'nginx-place-1')).body.id).toBe(first.body.id);
    expect((await call('POST', `/api/v1/orders/${first.body.id}/cancel`, token, { confirm: true }, 'nginx-cancel-1')).status).toBe(200);

    const second = await place(1, 'nginx-place-2');
    expect(second.status).toBe(201);
    const pay = await call('POST', `/api/v1/orders/${second.body.id}/payments`, token, { channel: 'wechat' }, 'nginx-pay-2');
    expect(pay.status).toBe(201);
    expect((await call('POST', pay.body.payUrl)).status).toBe(200);
    // The channel notifies a moment after the customer pays.
    for (let i = 0; (await call('GET', `/api/v1/orders/${second.body.id}`, token)).body.state !== 'paid'; i++) {
      if (i > 100) throw new Error('the payment notification was never applied');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await call('GET', `/api/v1/orders/${first.body.id}`, token)).body.closeReason).toBe('customer_abandoned');

    // The worker process delivers the notices the servers wrote (payment received, order cancelled).
    for (let i = 0; ; i++) {
      const inbox = await call('GET', '/api/v1/notifications', token);
      const orders = new Set((inbox.body.notifications as { orderId: string | null }[]).map((n) => n.orderId));
      if (orders.has(first.body.id) && orders.has(second.body.id)) break;
      if (i > 150) throw new Error(`notices never arrived: ${JSON.stringify(inbox.body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  it('keeps answering while one server process is down', async () => {
    await kill(procs[0]!);
    const answers = await Promise.all(Array.from({ length: 12 }, () => call('GET', '/api/v1/plans')));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
  }, 30_000);
});
