// The notifier with real text messages: SMS goes to the configured providers in order, the next one taking over
// when one refuses for its own reasons (flow control, balance, a template it lacks ...) or does not answer in
// time; a number every provider would refuse is not tried twice. Push and the in-app inbox stay with the notifier
// it wraps. Each message is recorded under its key (a repeated delivery of the same notice is not a second text),
// with its delivery state, on the order's trail too; the worker asks the providers what became of it.
import type { Logger } from 'pino';
import type { Clock, NotifierPort, OutgoingMessage } from '../../app/platform/ports.ts';
import { NOTICE_TEMPLATES, isNoticeTemplate } from '../../domain/notices/templates.ts';
import type { Repos, Store } from '../store/store.ts';
import type { SmsMessage } from '../store/sms/sms-repo.ts';
import type { SmsProvider, SmsReport, SmsSendResult } from './provider.ts';

/** When the worker asks a provider about a message: after 30 s, then less and less often, for three days. */
const CHECKS_MS = [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
const GIVE_UP_MS = 3 * 86_400_000;
const BATCH = 50;

/** Refusals and timeouts since the process started, by provider and code (the /metrics counter). */
const refusals = new Map<string, number>();
export function smsRefusalCounts(): { provider: string; code: string; count: number }[] {
  return [...refusals].map(([k, count]) => {
    const [provider, code] = k.split('\u0000') as [string, string];
    return { provider, code, count };
  });
}

export class SmsNotifier implements NotifierPort {
  constructor(
    private readonly inner: NotifierPort,
    private readonly store: Store,
    private readonly clock: Clock,
    readonly providers: SmsProvider[],
    private readonly log: Logger,
  ) {}

  async send(msg: OutgoingMessage): Promise<void> {
    if (msg.channel !== 'sms' || !isNoticeTemplate(msg.template) || !/^1\d{10}$/.test(msg.phone)) return this.inner.send(msg);
    const before = await this.store.sms.get(msg.key);
    if (before && before.state !== 'failed') return;
    const params = NOTICE_TEMPLATES[msg.template].of(msg.data ?? {});
    const tried: string[] = [];
    let last: Exclude<SmsSendResult, { outcome: 'accepted' }> | null = null;
    for (const p of this.providers) {
      const r = await p.send({ phone: msg.phone, template: msg.template, params, key: msg.key });
      if (r.outcome === 'accepted') {
        tried.push(`${p.name}:OK`);
        const now = this.clock.now();
        await this.record(msg, { provider: p.name, bizId: r.bizId, state: 'sent', code: null, attempts: tried.join(' '), checkAt: now + CHECKS_MS[0]! }, now);
        return;
      }
      const code = r.outcome === 'timeout' ? 'TIMEOUT' : r.code;
      tried.push(`${p.name}:${code}`);
      refusals.set(`${p.name}\u0000${code}`, (refusals.get(`${p.name}\u0000${code}`) ?? 0) + 1);
      this.log.warn({ provider: p.name, code, template: msg.template, orderId: msg.orderId, detail: r.message }, 'SMS provider did not take the message');
      last = r;
      if (r.outcome === 'refused' && r.recipient) break;
    }
    const code = !last ? 'NO_PROVIDER' : last.outcome === 'timeout' ? 'TIMEOUT' : last.code;
    const provider = this.providers[tried.length - 1]?.name ?? null;
    await this.record(msg, { provider, bizId: null, state: 'failed', code, attempts: tried.join(' '), checkAt: null }, this.clock.now());
    // A number no provider takes will not be taken later either; a sign-in code is only worth something now (the
    // customer sees it failed and asks again). Anything else is tried again by the outbox.
    if ((last?.outcome === 'refused' && last.recipient) || msg.template === 'sign_in_code') return;
    throw new Error(`SMS not sent (${tried.join(' ')})`);
  }

  /** One pass of the delivery checks that are due: the number of messages asked about. */
  async checkDeliveries(): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.sms.due(now, BATCH);
    if (due.length === 0) return 0;
    const settled = new Set<number>();
    const settledReports: { provider: string; report: SmsReport }[] = [];
    for (const p of this.providers) {
      const mine = due.filter((m) => m.provider === p.name);
      if (mine.length === 0) continue;
      let reports: SmsReport[];
      try {
        reports = await p.reports(mine.map((m) => ({ bizId: m.bizId!, phone: m.phone, sentAt: m.createdAt })));
      } catch (e) {
        this.log.warn({ provider: p.name, err: String(e) }, 'SMS delivery reports not read');
        continue;
      }
      for (const r of reports) settledReports.push({ provider: p.name, report: r });
    }
    // Every report of the pass and every next check in one transaction: one commit, however many messages.
    await this.store.tx(async (tx) => {
      for (const { provider, report: r } of settledReports) {
        const m = await tx.sms.settle(provider, r.bizId, r.state, r.code, now, r.phone);
        if (!m) continue;
        settled.add(m.id);
        await onTrail(tx, m, `sms.${r.state}`, now);
      }
      for (const m of due) {
        if (settled.has(m.id)) continue;
        const next = now - m.createdAt > GIVE_UP_MS ? null : now + CHECKS_MS[Math.min(m.checks + 1, CHECKS_MS.length - 1)]!;
        await tx.sms.checkLater(m.id, next, now);
      }
    });
    return due.length;
  }

  /** The message's outcome and its line on the order's trail, in one transaction. */
  private async record(msg: OutgoingMessage, o: { provider: string | null; bizId: string | null; state: 'sent' | 'failed'; code: string | null; attempts: string; checkAt: number | null }, now: number): Promise<void> {
    await this.store.tx(async (tx) => {
      await tx.sms.record({ key: msg.key, customerId: msg.customerId, orderId: msg.orderId, template: msg.template, phone: msg.phone, ...o }, now);
      const m = await tx.sms.get(msg.key);
      if (m) await onTrail(tx, m, `sms.${o.state}`, now);
    });
  }
}

/** The order's trail gets each message's fate (the agent sees whether the customer was told). */
async function onTrail(tx: Repos, m: SmsMessage, action: string, now: number): Promise<void> {
  if (!m.orderId) return;
  const order = await tx.orders.getOrder(m.orderId, true);
  if (!order) return;
  const reason = `${m.template} ${m.phoneMasked} ${m.provider ?? ''}${m.bizId ? ` ${m.bizId}` : ''}${m.code && m.state !== 'sent' ? ` ${m.code}` : ''}`.replace(/\s+/g, ' ').trim();
  await tx.orders.insertEvents([{ order_id: m.orderId, actor_type: 'system', actor_id: 'sms', action, from_state: order.state, to_state: order.state, reason, automatic: 1, at: now }]);
}
