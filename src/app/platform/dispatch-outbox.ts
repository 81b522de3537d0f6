import type { OutboxRow } from '../../adapters/store/queue-repo.ts';
import type { Deps } from './deps.ts';
import { OUTBOX_HANDLERS } from './outbox-handlers.ts';
import { withRequestId } from '../../adapters/request-context.ts';

export const OUTBOX_LEASE_MS = 60_000;
/** After this many failed attempts a row stops being retried and waits for a person (it stays visible). */
export const MAX_ATTEMPTS = 12;

/** Exponential backoff with a ceiling: 1s, 2s, 4s ... 10 min. */
export const backoffMs = (attempts: number) => Math.min(1000 * 2 ** Math.max(0, attempts - 1), 600_000);

/**
 * Rows of different orders are delivered this many at a time: on SQLite their writes then share group commits,
 * and a channel call of one does not hold up the others. The rows of one order keep their order. A delivery mostly
 * waits (for a provider's answer, for the disk), so many run at once: with 8 at a time and 100 rows a pass, a
 * server taking paid orders at full speed wrote rows faster than they were sent (`bench/sustained.ts`).
 */
export const OUTBOX_CONCURRENCY = 64;
/** Rows claimed a pass: about as many orders again as run at once, so that a slow order does not idle the rest. */
export const OUTBOX_BATCH = 1000;

export async function dispatchOutbox(deps: Deps, limit = OUTBOX_BATCH, concurrency = OUTBOX_CONCURRENCY): Promise<number> {
  const now = deps.clock.now();
  const rows = await deps.store.queue.claimOutbox(now, limit, OUTBOX_LEASE_MS);
  const delivered: number[] = [];
  // One lane per order, in the order the rows were written; a row with no order is a lane of its own.
  const lanes = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const key = row.order_id ?? `#${row.id}`;
    const lane = lanes.get(key);
    if (lane) lane.push(row);
    else lanes.set(key, [row]);
  }
  const queue = [...lanes.values()];
  const runLanes = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) {
      for (const row of lane) if (await deliver(deps, row)) delivered.push(row.id);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, runLanes));
  if (delivered.length) await deps.store.queue.markDelivered(delivered.sort((a, b) => a - b), deps.clock.now());
  return rows.length;
}

async function deliver(deps: Deps, row: OutboxRow): Promise<boolean> {
  try {
    const handler = OUTBOX_HANDLERS[row.topic];
    if (!handler) throw new Error(`unknown outbox topic ${row.topic}`);
    // The delivery runs under the id of the request that wrote the row: its log lines and any rows it
    // writes (a refund's notice) carry that id on.
    await withRequestId(row.request_id ?? null, async () => {
      await handler(deps, row, JSON.parse(row.payload) as Record<string, unknown>);
      deps.log.info({ outboxId: row.id, orderId: row.order_id, topic: row.topic, requestId: row.request_id ?? null }, 'outbox row delivered');
    });
    return true;
  } catch (e) {
    const next = row.attempts >= MAX_ATTEMPTS ? Number.MAX_SAFE_INTEGER : deps.clock.now() + backoffMs(row.attempts);
    deps.log.warn({ outboxId: row.id, orderId: row.order_id, topic: row.topic, attempts: row.attempts, err: String(e) }, 'outbox delivery failed');
    await deps.store.queue.markFailed(row.id, String(e), next);
    return false;
  }
}

export type { OutboxRow };
