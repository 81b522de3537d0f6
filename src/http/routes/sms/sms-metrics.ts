// Text messages in /metrics: messages that failed (by the provider that last had them and its code, read from the
// store at scrape), and the providers' refusals and timeouts this process met (a second provider may have taken
// the message over).
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Deps } from '../../../app/platform/deps.ts';
import { smsRefusalCounts } from '../../../adapters/sms/notifier.ts';

export function registerSmsMetrics(registry: Registry, deps: Deps): void {
  new Gauge({
    name: 'haoka_sms_failed_messages', help: 'Text messages that failed, by provider and the provider\'s code.', labelNames: ['provider', 'code'], registers: [registry],
    async collect() {
      const rows = await deps.store.sms.failureCounts();
      this.reset();
      for (const r of rows) this.set({ provider: r.provider, code: r.code }, r.count);
    },
  });
  new Counter({
    name: 'haoka_sms_refusals_total', help: 'SMS providers\' refusals and timeouts met by this process, by provider and code.', labelNames: ['provider', 'code'], registers: [registry],
    collect() {
      this.reset();
      for (const r of smsRefusalCounts()) this.inc({ provider: r.provider, code: r.code }, r.count);
    },
  });
}
