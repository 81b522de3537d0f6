// Rotating the master secret: a new key goes first in HAOKA_SECRET, the old one after it; what the old key made
// still reads; `rotate-secret` seals everything again under the new key; then the old key can go, and only the
// tokens it signed stop working. Phone and resident-ID hashes keep matching throughout.
import { createCipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/adapters/clock.ts';
import { Secrets } from '../../src/app/platform/secrets.ts';
import { rotateSecret } from '../../src/app/platform/rotate-secret.ts';
import { REAL_NAME_PURPOSE } from '../../src/app/suppliers/place-supplier-order.ts';
import { issueCustomerToken } from '../../src/app/platform/sign-in.ts';
import { isError } from '../../src/domain/errors.ts';
import { ADDRESS, json, residentId, startHarness, type Harness } from '../fixtures/harness.ts';
import { freshDatabase, type TestDatabase } from '../fixtures/engine.ts';

const K1 = 'k1:first-master-secret-0123456789';
const K2 = 'k2:second-master-secret-0123456789';

async function sealedValues(h: Harness): Promise<string[]> {
  const db = h.haoka.deps.store.database.db;
  const customers = await db.selectFrom('customers').select('phone_enc').execute();
  const orders = await db.selectFrom('orders').select('contact_phone_enc').execute();
  return [...customers.map((r) => r.phone_enc), ...orders.map((r) => r.contact_phone_enc)].filter((v): v is string => v !== null);
}

async function customerIdOf(h: Harness, phone: string): Promise<string> {
  const r = await issueCustomerToken(h.haoka.deps, phone);
  if (isError(r)) throw new Error(r.message);
  return r.customerId;
}

describe('rotating the master secret', () => {
  let db: TestDatabase;
  const clock = new FakeClock();
  const start = (secret: string) => startHarness({ HAOKA_SECRET: secret }, { db, clock });
  const people = ['13900000001', '13900000002', '13900000003'];
  const orders: { id: string; token: string; phone: string; contactPhone: string; residentId: string }[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    const h = await start(K1);
    for (const [i, phone] of people.entries()) {
      const c = await h.customer(phone);
      const contactPhone = `1370000000${i}`;
      const rid = residentId(900 + i);
      const placed = await h.placeOrder(c.token, { contactPhone, residentId: rid });
      expect(placed.statusCode, placed.body).toBe(201);
      orders.push({ id: json(placed).id, token: c.token, phone, contactPhone, residentId: rid });
    }
    expect(orders[0]!.token.startsWith('v2.k1.')).toBe(true);
    expect((await sealedValues(h)).every((v) => v.startsWith('g2.k1.'))).toBe(true);
    await h.close();
  });
  afterAll(async () => { await db?.drop(); });

  it('refuses to start without the key the store\'s matching key is sealed under, naming it', async () => {
    await expect(start(K2)).rejects.toThrow(/master key k1/);
  });

  it('reads what k1 made with "k2,k1", re-seals it under k2 in batches, and then reads it all with k2 alone', async () => {
    const both = await start(`${K2},${K1}`);
    const byId = new Map<string, string>();
    let k2Token = '';
    try {
      // Tokens minted under k1 are still accepted; phones sealed under k1 still open; hashes still match.
      for (const o of orders) {
        const view = await both.get(`/api/v1/orders/${o.id}`, o.token);
        expect(view.statusCode, view.body).toBe(200);
        expect(json(view).contactPhone).toBe(o.contactPhone);
        byId.set(o.phone, await customerIdOf(both, o.phone));
      }
      const fresh = await both.customer(people[0]);
      expect(fresh.token.startsWith('v2.k2.')).toBe(true);
      expect(fresh.customerId).toBe(byId.get(people[0]!));

      const first = await rotateSecret(both.haoka.deps, { batchSize: 2 });
      expect(first).toEqual({ currentKeyId: 'k2', resealed: { customers: people.length, orders: orders.length, supplier_orders: 0 }, hashKeyResealed: true });
      expect((await sealedValues(both)).every((v) => v.startsWith('g2.k2.'))).toBe(true);
      expect((await both.haoka.deps.store.platform.getSettings())['system.hash_key']).toMatch(/^g2\.k2\./);
      // Run again: nothing left to do.
      expect(await rotateSecret(both.haoka.deps, { batchSize: 2 })).toEqual({ currentKeyId: 'k2', resealed: { customers: 0, orders: 0, supplier_orders: 0 }, hashKeyResealed: false });
      k2Token = fresh.token;
    } finally {
      await both.close();
    }

    const after = await start(K2);
    try {
      for (const o of orders) {
        // A token minted under the dropped key is refused ...
        const old = await after.get(`/api/v1/orders/${o.id}`, o.token);
        expect([old.statusCode, json(old).error.code]).toEqual([401, 'AUTH.INVALID_TOKEN']);
        // ... while the phones, re-sealed, still open and still match.
        expect(await customerIdOf(after, o.phone)).toBe(byId.get(o.phone));
        const row = await after.haoka.deps.store.database.db.selectFrom('orders').select(['id_hash']).where('id', '=', o.id).executeTakeFirstOrThrow();
        expect(row.id_hash).toBe(after.haoka.deps.secrets.hash('resident-id', o.residentId));
      }
      const mine = await after.get(`/api/v1/orders/${orders[0]!.id}`, k2Token);
      expect(mine.statusCode, mine.body).toBe(200);
      expect(json(mine).contactPhone).toBe(orders[0]!.contactPhone);
    } finally {
      await after.close();
    }
  });
});

describe('a supplier order waiting for payment', () => {
  it('keeps its real-name details readable after rotation, once the old key is dropped', async () => {
    const db = await freshDatabase();
    const clock = new FakeClock();
    const start = (secret: string) => startHarness({ HAOKA_SECRET: secret }, { db, clock, suppliers: 'demo' });
    const sealedRealName = async (h: Harness, orderId: string) =>
      (await h.haoka.deps.store.suppliers.getOrder(orderId))!.real_name_enc!;
    try {
      const before = await start(K1);
      const plan = 'sp-demo-P1003';
      const c = await before.customer();
      const number = json(await before.get(`/api/v1/suppliers/plans/${plan}/numbers?limit=1`, null)).numbers[0].number as string;
      const hold = json(await before.post(`/api/v1/suppliers/plans/${plan}/holds`, c.token, { number }));
      const rid = residentId(950);
      const placed = await before.post('/api/v1/suppliers/orders', c.token, { planId: plan, reservationId: hold.reservationId, contactName: '吴十', contactPhone: '13700137009', residentId: rid, address: ADDRESS });
      expect(placed.statusCode, placed.body).toBe(201);
      const orderId = json(placed).id as string;
      // Unpaid, it is not submitted yet: its real-name details wait sealed under k1.
      expect(await sealedRealName(before, orderId)).toMatch(/^g2\.k1\./);
      await before.close();

      const both = await start(`${K2},${K1}`);
      expect((await rotateSecret(both.haoka.deps)).resealed.supplier_orders).toBe(1);
      await both.close();

      const after = await start(K2);
      try {
        const sealed = await sealedRealName(after, orderId);
        expect(sealed).toMatch(/^g2\.k2\./);
        expect(JSON.parse(after.haoka.deps.secrets.open(REAL_NAME_PURPOSE, sealed))).toEqual({ name: '吴十', residentId: rid, phone: '13700137009' });
      } finally {
        await after.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('a store from before key ids', () => {
  it('keeps its hashes matching when its secret is configured as k0, and refuses to start without it', async () => {
    const db = await freshDatabase();
    const clock = new FakeClock();
    const old = 'old-unlabelled-secret-0123456789';
    try {
      const before = await startHarness({ HAOKA_SECRET: old }, { db, clock });
      const customerId = await customerIdOf(before, '13900000009');
      // As a store written before the matching key was kept: no such row.
      await before.haoka.deps.store.database.db.deleteFrom('settings').where('key', '=', 'system.hash_key').execute();
      await before.close();
      await expect(startHarness({ HAOKA_SECRET: K2 }, { db, clock })).rejects.toThrow(/k0/);
      const after = await startHarness({ HAOKA_SECRET: `${K2},k0:${old}` }, { db, clock });
      try {
        expect(await customerIdOf(after, '13900000009')).toBe(customerId);
        await rotateSecret(after.haoka.deps);
      } finally {
        await after.close();
      }
      const rotated = await startHarness({ HAOKA_SECRET: K2 }, { db, clock });
      try {
        expect(await customerIdOf(rotated, '13900000009')).toBe(customerId);
      } finally {
        await rotated.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('values made before key ids', () => {
  const legacy = 'legacy-secret-0123456789abcdef';
  const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

  it('read as key k0: a v1 token and a g1 sealed phone, until k0 leaves the configuration', () => {
    const body = b64(JSON.stringify({ sub: 'C1', role: 'customer', exp: 2_000_000_000_000 }));
    const v1 = `v1.${body}.${createHmac('sha256', legacy).update('token').update('\0').update(body).digest('base64url')}`;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', Buffer.from(hkdfSync('sha256', legacy, 'haoka-seal-v1', 'phone', 32)), iv);
    const ct = Buffer.concat([c.update('13800138000', 'utf8'), c.final()]);
    const g1 = `g1.${b64(iv)}.${b64(ct)}.${b64(c.getAuthTag())}`;

    const rotated = new Secrets([{ id: 'k1', secret: 'new-secret-0123456789abcdef' }, { id: 'k0', secret: legacy }], legacy);
    expect(rotated.verify(v1, 1_000)).toMatchObject({ sub: 'C1' });
    expect(rotated.open('phone', g1)).toBe('13800138000');
    expect(rotated.reseal('phone', g1)).toMatch(/^g2\.k1\./);
    // Hashes made with the unlabelled secret keep matching: it stays the matching key.
    expect(rotated.hash('phone', '13800138000')).toBe(new Secrets(legacy).hash('phone', '13800138000'));

    const dropped = new Secrets([{ id: 'k1', secret: 'new-secret-0123456789abcdef' }], legacy);
    expect(dropped.verify(v1, 1_000)).toBeNull();
    expect(() => dropped.open('phone', g1)).toThrow(/k0/);
  });
});
