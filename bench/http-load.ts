// Load over HTTP with autocannon: each connection runs whole cycles (place, then cancel or pay), each step
// built from the previous response, on keep-alive connections.
import autocannon from 'autocannon';
import { AlipaySimulator } from '../src/adapters/payment/alipay.ts';
import { systemClock } from '../src/adapters/clock.ts';
import { SIM_CHANNEL_SECRET } from '../src/main.ts';
import { isError } from '../src/domain/errors.ts';
import { CANCEL_REASON, cycleInput, cycleOf, type Customer, type PlaceBody, type Scenario, type Workload } from './workload.ts';
import { percentile } from './stats.ts';

interface Ctx {
  i: number;
  t0: number;
  ok: boolean;
  customer: Customer;
  place?: PlaceBody;
  orderId?: string;
  payment?: { paymentNo: string; amountFen: number; expiresAt: number };
  notice?: { headers: Record<string, string>; body: string };
  requestId?: string;
  reservationId?: string;
}

interface Step {
  prepare?(c: Ctx): void;
  path(c: Ctx): string;
  body(c: Ctx): string;
  /** Channels call back without a customer token or an idempotency key. */
  headers?(c: Ctx): Record<string, string>;
  expect: number;
  onOk?(body: string, c: Ctx): void;
  /** A reason the answer is wrong although its status is right, or null. */
  check?(body: string): string | null;
}

export interface HttpResult {
  cycles: number;
  ms: number;
  requests: number;
  reqP50: number;
  reqP99: number;
  cycleP50: number;
  cycleP99: number;
  failures: number;
  failureSample: string | null;
  next: number;
}

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

function steps(scenario: Scenario, w: Workload, channel: AlipaySimulator): Step[] {
  const place: Step = {
    prepare: (c) => {
      const x = cycleInput(w, scenario, c.i);
      c.customer = x.customer;
      c.place = x.body;
    },
    path: () => '/api/v1/orders',
    body: (c) => JSON.stringify(c.place),
    expect: 201,
    onOk: (body, c) => { c.orderId = json(body).id as string; },
  };
  const cancel: Step = { path: (c) => `/api/v1/orders/${c.orderId}/cancel`, body: () => '{"confirm":true}', expect: 200 };
  if (cycleOf(scenario) === 'place-cancel') return [place, cancel];
  if (scenario === 'hold-place-cancel') {
    // The number is held at the supplier (over HTTP, by the server), then ordered with the hold, eligibility
    // checked again on the server, then cancelled unpaid.
    const planPath = () => `/api/v1/suppliers/plans/${encodeURIComponent(w.supplier!.planId)}`;
    return [{
      prepare: place.prepare, path: () => `${planPath()}/holds`, body: (c) => JSON.stringify({ number: c.place!.numberId }), expect: 201,
      onOk: (body, c) => { c.reservationId = json(body).reservationId as string; },
    }, {
      path: () => '/api/v1/suppliers/orders', expect: 201, onOk: place.onOk,
      body: (c) => { const { numberId: _n, ...rest } = c.place!; return JSON.stringify({ ...rest, reservationId: c.reservationId }); },
    }, cancel];
  }
  const pay: Step[] = [
    {
      path: (c) => `/api/v1/orders/${c.orderId}/payments`, body: () => '{"channel":"alipay"}', expect: 201,
      onOk: (body, c) => { c.payment = json(body) as unknown as Ctx['payment']; },
    },
    // The customer completes the payment in the channel's app (the simulator's own page).
    { path: (c) => `/sim/pay/alipay/${c.payment!.paymentNo}`, headers: () => ({ 'content-type': 'application/json' }), body: () => '{}', expect: 200 },
    {
      // The channel posts its signed notification to our callback, as it would over the internet.
      prepare: (c) => {
        const p = c.payment!;
        void channel.createPayment({ paymentNo: p.paymentNo, amountFen: p.amountFen, subject: 'bench', expiresAt: p.expiresAt });
        const notice = channel.pay(p.paymentNo);
        if (isError(notice)) throw new Error(notice.message);
        c.notice = notice;
      },
      path: () => '/api/v1/payments/callback/alipay',
      headers: (c) => c.notice!.headers,
      body: (c) => c.notice!.body,
      expect: 200,
      check: (body) => (json(body).outcome === 'paid' ? null : `payment callback answered ${body}`),
    },
  ];
  if (scenario === 'place-pay') return [place, ...pay];
  if (scenario === 'place-pay-review') {
    // Over the express-refund amount: the request waits for an agent; the customer confirms their identity,
    // the agent claims the request and approves it (the refund is then queued for the worker to send).
    const agent = () => ({ 'content-type': 'application/json', authorization: `Bearer ${w.agentToken}` });
    return [place, ...pay, {
      path: (c) => `/api/v1/orders/${c.orderId}/cancellation-requests`, body: () => '{"reasonCode":"wrong_plan"}', expect: 201,
      check: (body) => (json(body).path === 'review' ? null : `cancellation took the ${String(json(body).path)} path, not review`),
      onOk: (body, c) => { c.requestId = (json(body).request as { id: string }).id; },
    }, {
      path: (c) => `/api/v1/cancellation-requests/${c.requestId}/identity`, body: (c) => JSON.stringify({ residentId: c.place!.residentId }), expect: 200,
    }, {
      path: (c) => `/api/v1/agent/requests/${c.requestId}/claim`, headers: agent, body: () => '{}', expect: 200,
    }, {
      path: (c) => `/api/v1/agent/requests/${c.requestId}/approve`, headers: agent, body: () => '{"note":"客户确认取消"}', expect: 200,
      check: (body) => ((json(body).request as { state?: string } | undefined)?.state === 'approved' ? null : `approve answered ${body.slice(0, 200)}`),
    }];
  }
  return [place, ...pay, {
    path: (c) => `/api/v1/orders/${c.orderId}/cancellation-requests`, body: () => JSON.stringify({ reasonCode: CANCEL_REASON }), expect: 201,
    check: (body) => (json(body).path === 'express' ? null : `cancellation took the ${String(json(body).path)} path, not express`),
  }];
}

export async function runHttp(url: string, w: Workload, scenario: Scenario, o: { seconds: number; connections: number; from: number; idempotencyKeys: boolean; channelSeed: number }): Promise<HttpResult> {
  const channel = new AlipaySimulator(SIM_CHANNEL_SECRET, systemClock, { seed: o.channelSeed });
  const chain = steps(scenario, w, channel);
  let next = o.from;
  let failures = 0;
  let failureSample: string | null = null;
  const lat: number[] = [];
  const requests = chain.map((s, k) => ({
    method: 'POST',
    setupRequest: (req: object, context: Record<string, any>) => {
      const c = context as Ctx;
      if (k === 0) {
        c.i = next++;
        c.t0 = performance.now();
        c.ok = true;
      } else if (!c.ok) {
        return null; // the cycle failed at an earlier step: start a new one
      }
      s.prepare?.(c);
      const path = s.path(c);
      const headers = s.headers?.(c) ?? {
        'content-type': 'application/json',
        authorization: `Bearer ${c.customer.token}`,
        ...(o.idempotencyKeys ? { 'idempotency-key': `${scenario}-${c.i}-${k}` } : {}),
      };
      return { ...req, path, headers, body: s.body(c) };
    },
    onResponse: (status: number, body: string, context: Record<string, any>) => {
      const c = context as Ctx;
      const wrong = status !== s.expect ? `${status} ${body.slice(0, 300)}` : s.check?.(body) ?? null;
      if (wrong) {
        c.ok = false;
        failures++;
        failureSample ??= `step ${k + 1}: ${wrong}`;
        return;
      }
      s.onOk?.(body, c);
      if (k === chain.length - 1) lat.push(performance.now() - c.t0);
    },
  }));
  const t0 = performance.now();
  const r = await autocannon({ url, connections: o.connections, duration: o.seconds, timeout: 30, requests });
  const ms = performance.now() - t0;
  failures += r.errors + r.timeouts;
  return {
    cycles: lat.length, ms, requests: r.requests.total, reqP50: r.latency.p50, reqP99: r.latency.p99,
    cycleP50: percentile(lat, 50), cycleP99: percentile(lat, 99), failures, failureSample, next,
  };
}
