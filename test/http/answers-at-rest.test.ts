// Stored replay answers keep no bearer token and no phone in clear, and replays still answer as the first request did.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, residentId, startHarness, type Harness } from '../fixtures/harness.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });

/** Every idempotency record as the raw text of its columns, as someone reading the table (or the file) would see it. */
async function rawKeyRows(): Promise<string[]> {
  const r = await sql<{ row: string }>`select scope || ' ' || key || ' ' || method || ' ' || path || ' ' || body_hash || ' ' || coalesce(response, '') as row from idempotency_keys`
    .execute(h.haoka.deps.store.database.db);
  return r.rows.map((x) => x.row);
}

/** The sign-in code the simulated SMS gateway delivered to a phone. */
function lastCode(phone: string): string {
  const sms = h.haoka.sims.notifier.sent.filter((m) => m.phone === phone && m.template === 'sign_in_code');
  const code = /\d{6}/.exec(sms.at(-1)?.body ?? '')?.[0];
  if (!code) throw new Error(`no sign-in code sent to ${phone}`);
  return code;
}

describe('idempotency records at rest', () => {
  it('keep neither the token of a sign-in nor a contact phone in clear, and replay the order answers unchanged', async () => {
    const phone = '13712345678';
    const contactPhone = '15987654321';
    const sent = await h.post('/api/v1/auth/code', null, { phone }, { 'idempotency-key': 'code-1' });
    expect(sent.statusCode).toBe(200);
    const signIn = { phone, code: lastCode(phone) };
    const signedIn = await h.post('/api/v1/auth/customer', null, signIn, { 'idempotency-key': 'sign-in-1' });
    expect(signedIn.statusCode).toBe(200);
    const { token } = json(signedIn);
    const staff = await h.post('/api/v1/auth/agent', null, { username: 'agent', password: 'agent123' }, { 'idempotency-key': 'sign-in-2' });
    expect(staff.statusCode).toBe(200);

    const number = await h.freeNumber();
    const body = { planId: 'cm-58', numberId: number.id, contactName: '赵六', contactPhone, residentId: residentId(900), address: { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' } };
    const placed = await h.post('/api/v1/orders', token, body, { 'idempotency-key': 'place-1' });
    expect(placed.statusCode).toBe(201);
    // The owner sees their own contact phone in full: a replay must give them the same.
    expect(json(placed).contactPhone).toBe(contactPhone);
    const cancelled = await h.post(`/api/v1/orders/${json(placed).id}/cancel`, token, { confirm: true }, { 'idempotency-key': 'cancel-1' });
    expect(cancelled.statusCode).toBe(200);

    const rows = await rawKeyRows();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const secret of [token, json(staff).token, phone, contactPhone]) {
      expect(rows.filter((r) => r.includes(secret))).toEqual([]);
    }

    for (const [url, first, key] of [['/api/v1/orders', placed, 'place-1'], [`/api/v1/orders/${json(placed).id}/cancel`, cancelled, 'cancel-1']] as const) {
      const again = await h.post(url, token, url.endsWith('/cancel') ? { confirm: true } : body, { 'idempotency-key': key });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.statusCode).toBe(first.statusCode);
      expect(again.body).toBe(first.body);
    }
    const codeAgain = await h.post('/api/v1/auth/code', null, { phone }, { 'idempotency-key': 'code-1' });
    expect(codeAgain.headers['idempotent-replayed']).toBe('true');
    expect(codeAgain.body).toBe(sent.body);
  });

  it('does not replay a sign-in: the token was never kept, and a repeat is a new sign-in', async () => {
    const first = await h.post('/api/v1/auth/agent', null, { username: 'agent', password: 'agent123' }, { 'idempotency-key': 'sign-in-3' });
    h.clock.advance(1000);
    const again = await h.post('/api/v1/auth/agent', null, { username: 'agent', password: 'agent123' }, { 'idempotency-key': 'sign-in-3' });
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(json(again).token).not.toBe(json(first).token);
  });
});
