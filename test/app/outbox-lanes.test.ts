// The worker delivers outbox rows of different orders together, and the rows of one order one after another in
// the order they were written; a slow or failing row holds up only its own order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fixtures/harness.ts';
import { dispatchOutbox } from '../../src/app/platform/dispatch-outbox.ts';
import { OUTBOX_HANDLERS } from '../../src/app/platform/outbox-handlers.ts';

const TOPIC = 'test_lane_probe';

describe('outbox delivery lanes', () => {
  let h: Harness;
  const seen: string[] = [];
  const gates = new Map<string, Promise<void>>();

  beforeAll(async () => {
    h = await startHarness();
    OUTBOX_HANDLERS[TOPIC] = async (_deps, _row, p) => {
      const step = p.step as string;
      await gates.get(step);
      if (p.fail) throw new Error(`${step} refused`);
      seen.push(step);
    };
  });
  afterAll(async () => {
    delete OUTBOX_HANDLERS[TOPIC];
    await h?.close();
  });

  const row = (orderId: string | null, step: string, fail = false) => ({
    order_id: orderId, topic: TOPIC, payload: JSON.stringify({ step, fail }), attempts: 0, next_attempt_at: 0, claimed_until: null, created_at: 0, delivered_at: null, last_error: null,
  });

  it('keeps each order in written order while another order goes ahead of a slow row', async () => {
    let open!: () => void;
    gates.set('a1', new Promise<void>((r) => { open = r; }));
    await h.haoka.deps.store.queue.insertOutbox([row('order-a', 'a1'), row('order-a', 'a2'), row('order-b', 'b1'), row('order-b', 'b2'), row(null, 'n1')]);
    const pass = dispatchOutbox(h.haoka.deps, 100, 4);
    // a1 waits; b1, b2 and the row without an order are delivered meanwhile, a2 only after a1.
    for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    expect([...seen].sort()).toEqual(['b1', 'b2', 'n1']);
    open();
    expect(await pass).toBe(5);
    expect(seen.indexOf('a1')).toBeLessThan(seen.indexOf('a2'));
    expect(seen.indexOf('b1')).toBeLessThan(seen.indexOf('b2'));
    expect(await h.haoka.deps.store.queue.outboxBacklog()).toBe(0);
  });

  it('retries a failed row later and still delivers the other orders of the pass', async () => {
    seen.length = 0;
    await h.haoka.deps.store.queue.insertOutbox([row('order-c', 'c1', true), row('order-d', 'd1')]);
    expect(await dispatchOutbox(h.haoka.deps, 100, 4)).toBe(2);
    expect(seen).toEqual(['d1']);
    const c = await h.haoka.deps.store.queue.listOutbox('order-c');
    expect(c).toMatchObject([{ delivered_at: null, attempts: 1, last_error: 'Error: c1 refused' }]);
    expect((await h.haoka.deps.store.queue.listOutbox('order-d'))[0]!.delivered_at).not.toBeNull();
  });
});
