// Traffic pools fed by the carrier's daily usage report, taken by the worker once it is published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, json, type Harness } from '../fixtures/harness.ts';
import { aBusiness, aPaidBatch, deliver, iotPlatform, shipParcel } from '../fixtures/iot.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const HOUR = 3_600_000;

describe('traffic pools', () => {
  it('takes yesterday\u2019s usage once after 02:00 Beijing, alerts at 80 % and 100 %, and bills the GB over quota', async () => {
    const { token, operator } = await aBusiness(h);
    const { batchId } = await aPaidBatch(h, token, 5);
    const parcel = await shipParcel(h, operator, batchId, 5);
    await deliver(h, operator, parcel.trackingNo);
    await h.post('/api/v1/iot/activations', token, { batchId });
    await h.haoka.worker.drain();
    const pool = json(await h.post('/api/v1/iot/pools', token, { name: '冷柜', overQuota: 'overage_fee', overageFeePerGbFen: 1500, iccids: parcel.iccids }));
    expect(pool).toMatchObject({ members: 5, quotaMb: 5 * 1024, usedMb: 0 });

    // Today's use is reported tomorrow, after 02:00 Beijing.
    iotPlatform(h).dailyMb = 2000;
    const beijing = new Date(h.clock.now() + 8 * HOUR);
    const today = beijing.toISOString().slice(0, 10);
    const tomorrow2am = Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate() + 1, 2) - 8 * HOUR;
    h.clock.set(tomorrow2am - 60_000);
    await h.haoka.worker.runOnce();
    expect(json(await h.get(`/api/v1/iot/pools/${pool.id}?month=${today.slice(0, 7)}`, token)).usedMb).toBe(0);
    h.clock.set(tomorrow2am + 60_000);
    await h.haoka.worker.drain();
    await h.haoka.worker.drain();
    const seen = json(await h.get(`/api/v1/iot/pools/${pool.id}?month=${today.slice(0, 7)}`, token));
    expect(seen).toMatchObject({ usedMb: 10_000, percent: 195, dataStopped: false, overage: { overMb: 10_000 - 5120, billedGb: 5, feeFen: 7500 } });
    expect(seen.daily).toEqual([{ day: today, mb: 10_000 }]);
    expect(seen.alerts.map((a: any) => a.level)).toEqual([80, 100]);
    expect(h.haoka.sims.notifier.sent.filter((m: any) => m.template === 'iot_pool_alert')).toHaveLength(2);
  });
});
