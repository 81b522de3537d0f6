// Paid cycles through a real channel adapter: place, pay and cancel over HTTP with WeChat Pay API v3 against its
// fake gateway in a process of its own (every request signed with RSA-2048 and its answer verified, every
// notification verified and its resource decrypted), beside the same cycles through the in-process Alipay
// simulator (HMAC). What the server spends per cycle on each, while the cycles run and when the worker then
// sends their refunds, is what the channel's protocol costs.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlipaySimulator } from '../src/adapters/payment/alipay.ts';
import { systemClock } from '../src/adapters/clock.ts';
import { DEMO_MERCHANT } from '../src/adapters/payment/wechat/channel.ts';
import { SIM_CHANNEL_SECRET } from '../src/main.ts';
import { isError } from '../src/domain/errors.ts';
import { startChild, type Child } from './child.ts';
import { BENCH_WECHAT_APIV3_KEY } from './fixtures.ts';
import type { ServerStats } from './server-process.ts';
import { CANCEL_REASON, cycleInput, type Workload } from './workload.ts';


export interface GatewayFigure {
  channel: 'wechat' | 'alipay';
  cycles: number;
  ms: number;
  /** Server CPU per cycle while the cycles ran (place, start payment, notification, cancellation). */
  cpuMs: number;
  /** Server CPU per cycle while the worker sent the cycles' refunds (and their notices). */
  drainCpuMs: number;
  failures: number;
}

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

export async function runGatewayCycles(o: { seconds: number; warmup: number; rounds: number; concurrency: number; cycles: number; log: (s: string) => void }): Promise<GatewayFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'haoka-bench-gateway-'));
  const gateway = startChild('wechat-gateway', { dir });
  const g = (await gateway.first) as { url: string; merchantPrivateKeyPem: string; platformPublicKeyPem: string };
  const port = await freePort();
  const env = {
    HAOKA_WECHAT_MCH_ID: DEMO_MERCHANT.mchId, HAOKA_WECHAT_APP_ID: DEMO_MERCHANT.appId, HAOKA_WECHAT_CERT_SERIAL: DEMO_MERCHANT.certSerial,
    HAOKA_WECHAT_PRIVATE_KEY: g.merchantPrivateKeyPem, HAOKA_WECHAT_APIV3_KEY: BENCH_WECHAT_APIV3_KEY, HAOKA_WECHAT_PUBLIC_KEY: g.platformPublicKeyPem,
    HAOKA_WECHAT_PUBLIC_KEY_ID: DEMO_MERCHANT.publicKeyId, HAOKA_WECHAT_GATEWAY: g.url, HAOKA_WECHAT_NOTIFY_BASE_URL: `http://127.0.0.1:${port}`,
  };
  const server = startChild('server-process', { dir, customers: 1, payers: Math.ceil(o.cycles / 2), cancelPool: 0, paidCycles: o.cycles, env, port });
  const { workload } = (await server.first) as { port: number; workload: Workload };
  const base = `http://127.0.0.1:${port}`;
  const alipay = new AlipaySimulator(SIM_CHANNEL_SECRET, systemClock, { seed: 11 });
  let next = 0;
  const figures: GatewayFigure[] = [];
  const run = async (channel: GatewayFigure['channel'], seconds: number) => {
    let cycles = 0;
    let failures = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < until) {
        const ok = await cycle(base, workload, next++, channel, gateway, alipay).catch(() => false);
        if (ok) cycles++;
        else failures++;
      }
    }));
    return { cycles, failures };
  };
  try {
    // Both paths and the worker's refunds compiled by V8 before anything counts.
    for (const channel of ['wechat', 'alipay'] as const) await run(channel, o.warmup);
    await server.call({ cmd: 'drain' });
    for (let r = 0; r < o.rounds; r++) {
      for (const channel of (r % 2 ? ['alipay', 'wechat'] : ['wechat', 'alipay']) as GatewayFigure['channel'][]) {
        o.log(`  place+pay+cancel through ${channel === 'wechat' ? 'WeChat Pay API v3 and its fake gateway' : 'the Alipay simulator'} ...`);
        await server.call({ cmd: 'mark' });
        const t0 = performance.now();
        const { cycles, failures } = await run(channel, o.seconds);
        const ms = performance.now() - t0;
        const during = (await server.call({ cmd: 'stats' })) as ServerStats;
        await server.call({ cmd: 'mark' });
        await server.call({ cmd: 'drain' });
        const drain = (await server.call({ cmd: 'stats' })) as ServerStats;
        figures.push({ channel, cycles, ms, cpuMs: during.cpuMs / Math.max(1, cycles), drainCpuMs: drain.cpuMs / Math.max(1, cycles), failures });
      }
    }
  } finally {
    await server.call({ cmd: 'exit' });
    await gateway.call({ cmd: 'exit' });
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

async function cycle(base: string, w: Workload, i: number, channel: GatewayFigure['channel'], gateway: Child, alipay: AlipaySimulator): Promise<boolean> {
  const { customer, body } = cycleInput(w, 'place-pay-cancel', i);
  const headers = (k: number) => ({ 'content-type': 'application/json', authorization: `Bearer ${customer.token}`, 'idempotency-key': `gw-${channel}-${i}-${k}` });
  const post = async (path: string, payload: unknown, h: Record<string, string>) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: h, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const placed = await post('/api/v1/orders', body, headers(0));
  if (placed.status !== 201) return false;
  const orderId = placed.json.id as string;
  const started = await post(`/api/v1/orders/${orderId}/payments`, { channel }, headers(1));
  if (started.status !== 201) return false;
  const payment = started.json as { paymentNo: string; amountFen: number; expiresAt: number };
  if (channel === 'wechat') {
    // The customer pays in WeChat; WeChat Pay posts its notification to our notify_url.
    const paid = (await gateway.call({ cmd: 'pay', paymentNo: payment.paymentNo })) as { ok: boolean };
    if (!paid.ok) return false;
  } else {
    // As over HTTP in run.ts: the customer pays on the simulator's page, and the channel's notification follows.
    if ((await fetch(`${base}/sim/pay/alipay/${payment.paymentNo}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status !== 200) return false;
    await alipay.createPayment({ paymentNo: payment.paymentNo, amountFen: payment.amountFen, subject: 'bench', expiresAt: payment.expiresAt });
    const notice = alipay.pay(payment.paymentNo);
    if (isError(notice)) return false;
    const cb = await post('/api/v1/payments/callback/alipay', notice.body, notice.headers);
    if (cb.status !== 200) return false;
  }
  const cancelled = await post(`/api/v1/orders/${orderId}/cancellation-requests`, { reasonCode: CANCEL_REASON }, headers(2));
  return cancelled.status === 201 && cancelled.json.path === 'express';
}

/** The figures side by side: what the channel's protocol costs the server per cycle. */
export function gatewayReport(figures: GatewayFigure[]): string[] {
  const of = (channel: GatewayFigure['channel']) => {
    const xs = figures.filter((x) => x.channel === channel);
    const cycles = xs.reduce((a, x) => a + x.cycles, 0);
    const per = (k: 'cpuMs' | 'drainCpuMs') => xs.reduce((a, x) => a + x[k] * x.cycles, 0) / Math.max(1, cycles);
    return { cycles, rate: (cycles * 1000) / xs.reduce((a, x) => a + x.ms, 0), cpu: per('cpuMs'), drain: per('drainCpuMs'), failures: xs.reduce((a, x) => a + x.failures, 0) };
  };
  const w = of('wechat');
  const a = of('alipay');
  const line = (name: string, x: typeof w) => `  ${name.padEnd(44)}${x.rate.toFixed(0).padStart(6)} /s   CPU ${x.cpu.toFixed(2)} ms/cycle in requests + ${x.drain.toFixed(2)} ms in the worker's refunds   failed ${x.failures}`;
  return [
    'paid cycles by channel protocol (place, pay, cancel over HTTP with fetch, 16 in flight; the worker then sends the refunds):',
    line('WeChat Pay API v3, fake gateway in its process', w),
    line('Alipay simulator in the server (HMAC)', a),
    `  the protocol's signing, verification and decryption: +${(w.cpu - a.cpu).toFixed(2)} ms per cycle in requests, +${(w.drain - a.drain).toFixed(2)} ms per refund (RSA-2048 signs and verifies)`,
  ];
}
