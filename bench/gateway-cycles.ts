// Paid cycles through the real channel adapters: place, pay and cancel over HTTP with WeChat Pay API v3 (hand-written
// client) and with Alipay through alipay-sdk, each against its fake gateway in a process of its own (every request
// signed with RSA-2048 and its answer verified, every notification verified, WeChat's resource decrypted), beside
// the same cycles through an in-process simulator (the bank channel: the simulators' engine, HMAC). What the server
// spends per cycle on each, while the cycles run and when the worker then sends their refunds, is what the
// channel's protocol costs.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../scripts/bundle.ts';
import { BankTransferSimulator } from '../src/adapters/payment/bank.ts';
import { systemClock } from '../src/adapters/clock.ts';
import { DEMO_MERCHANT } from '../src/adapters/payment/wechat/channel.ts';
import { DEMO_PARTNER_KEYS } from '../src/adapters/sim/demo-keys.ts';
import { isError } from '../src/domain/errors.ts';
import { CHILDREN, CHILDREN_DIR, startChild, type Child } from './child.ts';
import { BENCH_WECHAT_APIV3_KEY } from './fixtures.ts';
import type { ServerStats } from './server-process.ts';
import { CANCEL_REASON, cycleInput, type Workload } from './workload.ts';

export const GATEWAY_CHANNELS = ['wechat', 'alipay', 'bank'] as const;
type Channel = (typeof GATEWAY_CHANNELS)[number];

export interface GatewayFigure {
  channel: Channel;
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

export async function runGatewayCycles(o: { seconds: number; warmup: number; rounds: number; concurrency: number; cycles: number; log: (s: string) => void; profileDir?: string }): Promise<GatewayFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'haoka-bench-gateway-'));
  const gateways = { wechat: startChild('wechat-gateway', { dir }), alipay: startChild('alipay-gateway', { dir }) };
  const w = (await gateways.wechat.first) as { url: string; merchantPrivateKeyPem: string; platformPublicKeyPem: string };
  const a = (await gateways.alipay.first) as { url: string; appId: string; sellerId: string; appPrivateKeyPem: string; alipayPublicKeyPem: string };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    HAOKA_WECHAT_MCH_ID: DEMO_MERCHANT.mchId, HAOKA_WECHAT_APP_ID: DEMO_MERCHANT.appId, HAOKA_WECHAT_CERT_SERIAL: DEMO_MERCHANT.certSerial,
    HAOKA_WECHAT_PRIVATE_KEY: w.merchantPrivateKeyPem, HAOKA_WECHAT_APIV3_KEY: BENCH_WECHAT_APIV3_KEY, HAOKA_WECHAT_PUBLIC_KEY: w.platformPublicKeyPem,
    HAOKA_WECHAT_PUBLIC_KEY_ID: DEMO_MERCHANT.publicKeyId, HAOKA_WECHAT_GATEWAY: w.url, HAOKA_WECHAT_NOTIFY_BASE_URL: base,
    HAOKA_ALIPAY_APP_ID: a.appId, HAOKA_ALIPAY_SELLER_ID: a.sellerId, HAOKA_ALIPAY_PRIVATE_KEY: a.appPrivateKeyPem, HAOKA_ALIPAY_PUBLIC_KEY: a.alipayPublicKeyPem,
    HAOKA_ALIPAY_GATEWAY: a.url, HAOKA_ALIPAY_NOTIFY_BASE_URL: base,
  };
  const server = startChild('server-process', { dir, customers: 1, payers: Math.ceil(o.cycles / 2), cancelPool: 0, paidCycles: o.cycles, env, port, alipay: 'gateway' });
  const { workload } = (await server.first) as { port: number; workload: Workload };
  // The bank's side of the baseline: the same engine and key as the server's simulator, signing its notifications.
  const bank = new BankTransferSimulator(DEMO_PARTNER_KEYS.bank, systemClock, { seed: 11 });
  let next = 0;
  const figures: GatewayFigure[] = [];
  const run = async (channel: Channel, seconds: number) => {
    let cycles = 0;
    let failures = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < until) {
        const ok = await cycle(base, workload, next++, channel, gateways, bank).catch(() => false);
        if (ok) cycles++;
        else failures++;
      }
    }));
    return { cycles, failures };
  };
  const label: Record<Channel, string> = { wechat: 'WeChat Pay API v3 and its fake gateway', alipay: 'alipay-sdk and the fake Alipay gateway', bank: 'the in-process bank simulator' };
  try {
    // Every path and the worker's refunds compiled by V8 before anything counts.
    for (const channel of GATEWAY_CHANNELS) await run(channel, o.warmup);
    await server.call({ cmd: 'drain' });
    for (let r = 0; r < o.rounds; r++) {
      // Rotated each round, so that a burst of load from elsewhere on the machine does not land on one channel only.
      const order = GATEWAY_CHANNELS.map((_, i) => GATEWAY_CHANNELS[(i + r) % GATEWAY_CHANNELS.length]!);
      for (const channel of order) {
        o.log(`  place+pay+cancel through ${label[channel]} ...`);
        await server.call({ cmd: 'mark' });
        const profiled = o.profileDir !== undefined && r === 0;
        if (profiled) await server.call({ cmd: 'profile', on: true });
        const t0 = performance.now();
        const { cycles, failures } = await run(channel, o.seconds);
        const ms = performance.now() - t0;
        const during = (await server.call({ cmd: 'stats' })) as ServerStats;
        if (profiled) o.log(`  profile: ${((await server.call({ cmd: 'profile', on: false, file: join(o.profileDir!, `${channel}.cpuprofile`) })) as { file: string }).file}`);
        await server.call({ cmd: 'mark' });
        await server.call({ cmd: 'drain' });
        const drain = (await server.call({ cmd: 'stats' })) as ServerStats;
        figures.push({ channel, cycles, ms, cpuMs: during.cpuMs / Math.max(1, cycles), drainCpuMs: drain.cpuMs / Math.max(1, cycles), failures });
      }
    }
  } finally {
    await server.call({ cmd: 'exit' });
    await Promise.all([gateways.wechat.call({ cmd: 'exit' }), gateways.alipay.call({ cmd: 'exit' })]);
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

async function cycle(base: string, w: Workload, i: number, channel: Channel, gateways: Record<'wechat' | 'alipay', Child>, bank: BankTransferSimulator): Promise<boolean> {
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
  const payment = started.json as { paymentNo: string; amountFen: number; expiresAt: number; payUrl: string };
  if (channel === 'bank') {
    // As over HTTP in run.ts: the customer pays on the simulator's page, and the channel's notification follows.
    if ((await fetch(`${base}/sim/pay/bank/${payment.paymentNo}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status !== 200) return false;
    await bank.createPayment({ paymentNo: payment.paymentNo, amountFen: payment.amountFen, subject: 'bench', expiresAt: payment.expiresAt });
    const notice = bank.pay(payment.paymentNo);
    if (isError(notice)) return false;
    const cb = await post('/api/v1/payments/callback/bank', notice.body, notice.headers);
    return cb.status === 200 && (await cancel()).ok;
  }
  if (channel === 'alipay') {
    // The customer's browser opens the cashier page the SDK signed: Alipay creates the trade then.
    const page = await fetch(payment.payUrl);
    await page.arrayBuffer();
    if (page.status !== 200) return false;
  }
  // The customer pays in the app; the channel posts its notification to our notify_url and waits for our answer.
  const paid = (await gateways[channel].call({ cmd: 'pay', paymentNo: payment.paymentNo })) as { ok: boolean };
  return paid.ok && (await cancel()).ok;

  async function cancel() {
    const cancelled = await post(`/api/v1/orders/${orderId}/cancellation-requests`, { reasonCode: CANCEL_REASON }, headers(2));
    return { ok: cancelled.status === 201 && cancelled.json.path === 'express' };
  }
}

/** The figures side by side: what each channel's protocol costs the server per cycle. */
export function gatewayReport(figures: GatewayFigure[]): string[] {
  const of = (channel: Channel) => {
    const xs = figures.filter((x) => x.channel === channel);
    const cycles = xs.reduce((a, x) => a + x.cycles, 0);
    const per = (k: 'cpuMs' | 'drainCpuMs') => xs.reduce((a, x) => a + x[k] * x.cycles, 0) / Math.max(1, cycles);
    return { cycles, rate: (cycles * 1000) / xs.reduce((a, x) => a + x.ms, 0), cpu: per('cpuMs'), drain: per('drainCpuMs'), failures: xs.reduce((a, x) => a + x.failures, 0) };
  };
  const [w, a, b] = [of('wechat'), of('alipay'), of('bank')];
  const line = (name: string, x: typeof w) => `  ${name.padEnd(56)}${x.rate.toFixed(0).padStart(6)} /s   CPU ${x.cpu.toFixed(2)} ms/cycle in requests + ${x.drain.toFixed(2)} ms in the worker's refunds   failed ${x.failures}`;
  const cost = (name: string, x: typeof w, what: string) =>
    `  ${name}: +${(x.cpu - b.cpu).toFixed(2)} ms per cycle in requests (x${(x.cpu / b.cpu).toFixed(2)}), +${(x.drain - b.drain).toFixed(2)} ms per refund (${what})`;
  return [
    'paid cycles by channel protocol (place, pay, cancel over HTTP with fetch, 16 in flight; the worker then sends the refunds):',
    line('WeChat Pay API v3, fake gateway in its process', w),
    line('Alipay through alipay-sdk, fake gateway in its process', a),
    line('bank simulator in the server (HMAC)', b),
    'what the protocol costs the server over the in-process simulator:',
    cost('WeChat Pay', w, 'RSA-2048 signs and verifies, AES-256-GCM opens'),
    cost('Alipay', a, 'RSA2 signs and verifies, through the SDK'),
  ];
}

// npx tsx bench/gateway-cycles.ts [--quick] [--window-profile DIR]: these cycles alone; with a DIR, a V8 CPU profile of
// the server during each channel's first window (DIR/wechat.cpuprofile, ...; bench/profile-rank.ts reads them).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  (async () => {
    const quick = process.argv.includes('--quick');
    const before = loadavg()[0]!;
    await bundle(CHILDREN, CHILDREN_DIR);
    const at = process.argv.indexOf('--window-profile');
    const profileDir = at > 0 ? process.argv[at + 1] : undefined;
    const figures = await runGatewayCycles({ seconds: quick ? 3 : 10, warmup: quick ? 1 : 2, rounds: 2, concurrency: 16, cycles: quick ? 8_000 : 24_000, log: (s) => process.stderr.write(`${s}\n`), ...(profileDir ? { profileDir } : {}) });
    process.stdout.write(`\nHaoka benchmark (channel protocols): ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} x ${cpus()[0]?.model.trim()}, load average ${before.toFixed(2)} before / ${loadavg()[0]!.toFixed(2)} after\n${gatewayReport(figures).join('\n')}\n`);
  })().catch((e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
