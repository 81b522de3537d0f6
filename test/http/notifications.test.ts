// The customer's in-app inbox: messages arrive through the outbox, newest first, and can be marked read;
// only the customer's own messages change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

const inbox = async (token: string) => json(await h.get('/api/v1/notifications', token)).notifications as { id: number; read: boolean; template: string }[];

describe('notification inbox', () => {
  it('marks the customer’s own messages read, once, and leaves another customer’s alone', async () => {
    const me = await h.customer();
    const other = await h.customer();
    await h.placeOrder(me.token);
    await h.placeOrder(other.token);
    await h.haoka.worker.drain();
    const mine = await inbox(me.token);
    const theirs = await inbox(other.token);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((n) => !n.read)).toBe(true);

    const marked = await h.post('/api/v1/notifications/read', me.token, { ids: [...mine.map((n) => n.id), ...theirs.map((n) => n.id)] });
    expect(marked.statusCode).toBe(200);
    expect(json(marked).marked).toBe(mine.length);
    expect((await inbox(me.token)).every((n) => n.read)).toBe(true);
    expect((await inbox(other.token)).every((n) => !n.read)).toBe(true);

    const again = await h.post('/api/v1/notifications/read', me.token, { ids: mine.map((n) => n.id) });
    expect(json(again).marked).toBe(0);
  });

  it('refuses an empty or malformed list with a stable code and changes nothing', async () => {
    const me = await h.customer();
    await h.placeOrder(me.token);
    await h.haoka.worker.drain();
    for (const body of [{ ids: [] }, { ids: ['x'] }, { ids: [-1] }, {}]) {
      const res = await h.post('/api/v1/notifications/read', me.token, body);
      expect(res.statusCode).toBe(400);
      expect(json(res).error.code).toBe('REQUEST.INVALID');
    }
    expect((await inbox(me.token)).every((n) => !n.read)).toBe(true);
  });
});
