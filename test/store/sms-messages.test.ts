// The store's text messages (migration 016) on SQLite and PostgreSQL: one row per message key, a failed one
// overwritten by its retry but a sent one never, reports applied once, the phone sealed, checks due by time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../fixtures/harness.ts';
import type { NewSms } from '../../src/adapters/store/sms/sms-repo.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h.close(); });

const base = (key: string, over: Partial<NewSms> = {}): NewSms => ({
  key, customerId: 'C1', orderId: null, template: 'payment_reminder', phone: '13800138000', provider: 'aliyun', bizId: `${key}^0`,
  state: 'sent', code: null, attempts: 'aliyun:OK', checkAt: 1_000, ...over,
});

describe('sms_messages', () => {
  it('keeps the phone sealed and masked, and opens it for the provider', async () => {
    const store = h.haoka.deps.store;
    await store.sms.record(base('k1'), 500);
    const row = await store.database.db.selectFrom('sms_messages' as never).selectAll().where('dedupe_key' as never, '=', 'k1' as never).executeTakeFirstOrThrow() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain('13800138000');
    expect(row.phone_masked).toBe('138****8000');
    expect(await store.sms.get('k1')).toMatchObject({ phone: '13800138000', state: 'sent', provider: 'aliyun', createdAt: 500, checkAt: 1_000, checks: 0 });
  });

  it('lets a retry overwrite a failed message, never a sent one', async () => {
    const store = h.haoka.deps.store;
    await store.sms.record(base('k2', { state: 'failed', provider: 'tencent', bizId: null, code: 'TIMEOUT', checkAt: null }), 500);
    await store.sms.record(base('k2'), 600);
    expect(await store.sms.get('k2')).toMatchObject({ state: 'sent', provider: 'aliyun', code: null, createdAt: 500, updatedAt: 600 });
    await store.sms.record(base('k2', { state: 'failed', code: 'TIMEOUT' }), 700);
    expect(await store.sms.get('k2')).toMatchObject({ state: 'sent', updatedAt: 600 });
  });

  it('hands out the checks that are due and moves the others later', async () => {
    const store = h.haoka.deps.store;
    await store.sms.record(base('k3', { checkAt: 10_000 }), 500);
    const due = (await store.sms.due(9_999, 100)).map((m) => m.key);
    expect(due).not.toContain('k3');
    expect((await store.sms.due(10_000, 100)).map((m) => m.key)).toContain('k3');
    const m = (await store.sms.get('k3'))!;
    await store.sms.checkLater(m.id, 20_000, 10_000);
    expect(await store.sms.get('k3')).toMatchObject({ checkAt: 20_000, checks: 1 });
  });

  it('applies a provider\'s report once: a second report of the same message changes nothing', async () => {
    const store = h.haoka.deps.store;
    await store.sms.record(base('k4'), 500);
    expect(await store.sms.settle('aliyun', 'k4^0', 'failed', 'MN:0001', 900)).toMatchObject({ key: 'k4', state: 'failed', code: 'MN:0001', checkAt: null });
    expect(await store.sms.settle('aliyun', 'k4^0', 'delivered', 'DELIVERED', 950)).toBeUndefined();
    expect(await store.sms.settle('tencent', 'k4^0', 'delivered', 'DELIVRD', 950)).toBeUndefined();
    expect(await store.sms.get('k4')).toMatchObject({ state: 'failed', code: 'MN:0001', updatedAt: 900 });
  });

  it('finds a phone\'s newest message of a template, and counts failures by provider and code', async () => {
    const store = h.haoka.deps.store;
    await store.sms.record(base('k5', { template: 'sign_in_code', phone: '13900139000' }), 1_000);
    await store.sms.record(base('k6', { template: 'sign_in_code', phone: '13900139000', state: 'failed', code: 'isv.BUSINESS_LIMIT_CONTROL' }), 2_000);
    const hash = h.haoka.deps.secrets.hash('phone', '13900139000');
    expect(await store.sms.latestTo(hash, 'sign_in_code')).toMatchObject({ key: 'k6', state: 'failed' });
    expect(await store.sms.failureCounts()).toEqual(expect.arrayContaining([{ provider: 'aliyun', code: 'isv.BUSINESS_LIMIT_CONTROL', count: 1 }, { provider: 'aliyun', code: 'MN:0001', count: 1 }]));
  });

  it('keeps no phone in a message key (a sign-in code\'s names the phone)', async () => {
    const store = h.haoka.deps.store;
    await store.sms.record(base('otp:13700137000:1700000000000', { template: 'sign_in_code', phone: '13700137000' }), 500);
    const keys = await store.database.db.selectFrom('sms_messages' as never).select('dedupe_key' as never).execute() as { dedupe_key: string }[];
    expect(keys.map((k) => k.dedupe_key).join(' ')).not.toContain('13700137000');
    expect(await store.sms.get('otp:13700137000:1700000000000')).toMatchObject({ template: 'sign_in_code', phone: '13700137000' });
  });
});
