// The ceiling: the same cycles as the HTTP run, issued straight to the use cases in the server's process.
import { placeOrder } from '../src/app/ordering/place-order.ts';
import { cancelUnpaidOrder } from '../src/app/ordering/cancel-order.ts';
import { startPayment } from '../src/app/ordering/start-payment.ts';
import { applyPaymentNotice } from '../src/app/ordering/apply-payment-notice.ts';
import { applyForCancellation } from '../src/app/cancellation/apply-cancellation.ts';
import type { Deps } from '../src/app/platform/deps.ts';
import { isError, type DomainError } from '../src/domain/errors.ts';
import type { PaymentChannelSimulator } from '../src/adapters/payment/simulator.ts';
import { CANCEL_REASON, cycleInput, cycleOf, type Scenario, type Workload } from './workload.ts';
import { runFor, schedstat } from './stats.ts';

function must<T>(what: string, r: T | DomainError): T {
  if (isError(r)) throw new Error(`${what} failed: ${r.code} ${r.message}`);
  return r;
}

export function ceilingCycle(deps: Deps, w: Workload, scenario: Scenario, channel: PaymentChannelSimulator): (i: number) => Promise<void> {
  return async (i) => {
    const { customer, body } = cycleInput(w, scenario, i);
    const order = must('place', await placeOrder(deps, { customerId: customer.customerId, ...body }));
    if (cycleOf(scenario) === 'place-cancel') {
      must('cancel', await cancelUnpaidOrder(deps, order.id, { type: 'customer', id: customer.customerId }, { confirm: true }));
      return;
    }
    const started = must('start payment', await startPayment(deps, order.id, customer.customerId, channel.channel));
    // The customer pays in the channel's app; the channel sends its signed notification.
    const notice = must('pay at the channel', channel.pay(started.paymentNo));
    const applied = must('payment notice', await applyPaymentNotice(deps, channel.channel, notice.headers, notice.body));
    if (applied.outcome !== 'paid') throw new Error(`payment notice came back ${applied.outcome}`);
    if (scenario === 'place-pay') return;
    const cancelled = must('cancellation request', await applyForCancellation(deps, order.id, customer.customerId, { reasonCode: CANCEL_REASON }));
    if (cancelled.path !== 'express') throw new Error(`cancellation took the ${cancelled.path} path, not express`);
  };
}

export async function runCeiling(deps: Deps, w: Workload, scenario: Scenario, channel: PaymentChannelSimulator, o: { seconds: number; concurrency: number; from: number }) {
  const cpu = process.cpuUsage();
  const s0 = schedstat();
  const r = await runFor(o.seconds, o.concurrency, o.from, ceilingCycle(deps, w, scenario, channel));
  const used = process.cpuUsage(cpu);
  const s1 = schedstat();
  return { ...r, cpuMs: (used.user + used.system) / 1000, runMs: s1.runMs - s0.runMs, waitMs: s1.waitMs - s0.waitMs };
}
