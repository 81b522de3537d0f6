import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startHarness, type Harness } from '../fixtures/harness.ts';

describe('simulator routes switched off (HAOKA_SIMULATOR_ROUTES=off)', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ HAOKA_SIMULATOR_ROUTES: 'off' }); });
  afterAll(async () => { await h?.close(); });

  it('does not mount /sim: the SMS inbox with sign-in codes and the payment page answer 404', async () => {
    const phone = '13800138123';
    expect((await h.post('/api/v1/auth/code', null, { phone })).statusCode).toBe(200);
    const sms = await h.get(`/sim/sms/${phone}`, null);
    expect(sms.statusCode).toBe(404);
    const code = /\d{6}/.exec(h.haoka.sims.notifier.smsTo(phone)[0]!.body)![0];
    expect(sms.body).not.toContain(code);
    expect((await h.post('/sim/pay/alipay/PAY123', null, {})).statusCode).toBe(404);
    expect((await h.post('/sim/refunds/bank/batch', null, {})).statusCode).toBe(404);
  });

  it('leaves them out of the API description and says so in readiness', async () => {
    const paths = Object.keys(json(await h.get('/openapi.json', null)).paths);
    expect(paths.some((p) => p.startsWith('/sim/'))).toBe(false);
    expect(paths).toContain('/api/v1/orders');
    expect(json(await h.get('/readyz', null))).toMatchObject({ status: 'ready', simulatorRoutes: 'off' });
  });
});

describe('simulator routes on (the demo and the tests)', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ HAOKA_SIMULATOR_ROUTES: 'on' }); });
  afterAll(async () => { await h?.close(); });

  it('mounts /sim and says so in readiness', async () => {
    const phone = '13800138124';
    expect((await h.post('/api/v1/auth/code', null, { phone })).statusCode).toBe(200);
    const sms = await h.get(`/sim/sms/${phone}`, null);
    expect(sms.statusCode).toBe(200);
    expect(json(sms).messages).toHaveLength(1);
    expect(json(await h.get('/readyz', null))).toMatchObject({ status: 'ready', simulatorRoutes: 'mounted' });
  });
});
