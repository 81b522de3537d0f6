// Partners' pushes we refused, counted by partner and code (for /metrics) and logged with the order they
// named, never with the push's personal data (a carrier push names a phone number: it stays out of the log).
import type { DomainError } from '../../domain/errors.ts';

export type PushSource = 'courier' | 'carrier' | 'payment' | 'refund';

const counts = new Map<string, number>();

export function refusePush(log: { warn(obj: object, msg: string): void }, source: PushSource, e: DomainError, orderId: string | null = null): DomainError {
  const key = `${source} ${e.code}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  log.warn({ source, code: e.code, orderId }, 'partner push refused');
  return e;
}

/** Refusals so far in this process, by partner and code. */
export function pushRefusalCounts(): { source: string; code: string; count: number }[] {
  return [...counts].map(([k, count]) => {
    const [source, code] = k.split(' ') as [string, string];
    return { source, code, count };
  });
}
