// Batch activation as a job: progress shown while it runs, a runner stopped between chunks and a carrier asked
// before a crash, resumed by the worker with every card activated once; cards the carrier refuses fail alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, json, type Harness } from '../fixtures/harness.ts';
import { aBusiness, aPaidBatch, deliver, iotPlatform, shipParcel } from '../fixtures/iot.ts';
import { runIotJob } from '../../src/app/iot/jobs.ts';
import { iotRepos } from '../../src/adapters/store/iot/index.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('batch activation', () => {
  it('resumes where it stopped and activates each card once, even when the carrier was asked before a crash', async () => {
    const { token, operator } = await aBusiness(h);
    const { batchId } = await aPaidBatch(h, token, 50);
    const parcel = await shipParcel(h, operator, batchId, 50);
    await deliver(h, operator, parcel.trackingNo);
    const started = json(await h.post('/api/v1/iot/activations', token, { batchId }));
    expect(started).toMatchObject({ total: 50, done: 0, percent: 0, state: 'running' });

    // The runner handles one chunk of 20 and stops, as a process stopped between two steps would.
    expect(await runIotJob(h.haoka.deps, started.id, { chunkSize: 20, maxChunks: 1 })).toEqual({ handled: 20, finished: false });
    expect(json(await h.get(`/api/v1/iot/jobs/${started.id}`, token))).toMatchObject({ done: 20, failed: 0, percent: 40, state: 'running' });
    // The next runner asked the carrier about 5 more cards and died before writing down the answers.
    const items = await iotRepos(h.haoka.deps.store).jobs.items(started.id);
    const cards = await iotRepos(h.haoka.deps.store).cards.getCards(items.slice(20, 25).map((i) => i.card_id));
    for (const c of cards) await h.haoka.deps.iotCarrier!.activate({ activationNo: `${started.id}:${c.id}`, iccid: c.iccid, msisdn: c.msisdn });

    // The worker takes the job's outbox row and finishes it.
    await h.haoka.worker.drain();
    const done = json(await h.get(`/api/v1/iot/jobs/${started.id}`, token));
    expect(done).toMatchObject({ state: 'done', total: 50, done: 50, failed: 0, percent: 100 });
    expect(new Set(done.items.map((i: any) => i.iccid)).size).toBe(50);
    for (const iccid of parcel.iccids) expect(iotPlatform(h).activationsOf(iccid)).toBe(1);
    const trail = json(await h.get(`/api/v1/iot/cards/${parcel.iccids[22]}`, token)).trail;
    expect(trail.filter((e: any) => e.action === 'card.activated')).toHaveLength(1);
    // Running it again changes nothing.
    expect(await runIotJob(h.haoka.deps, started.id)).toEqual({ handled: 0, finished: true });
  });

  it('records a refused card as failed with the carrier\u2019s reason, and waits out a busy carrier', async () => {
    const { token, operator } = await aBusiness(h);
    const { batchId } = await aPaidBatch(h, token, 6);
    const parcel = await shipParcel(h, operator, batchId, 6);
    await deliver(h, operator, parcel.trackingNo);
    iotPlatform(h).refusals.set(parcel.iccids[1]!, { code: '12089', message: '该卡片不是待激活、已激活、已停机,无法进行操作' });
    iotPlatform(h).busyNext = 1;
    const started = json(await h.post('/api/v1/iot/activations', token, { iccids: parcel.iccids }));
    // The busy answer leaves its card for a later pass (the outbox retries with backoff).
    await h.haoka.worker.runOnce();
    expect(json(await h.get(`/api/v1/iot/jobs/${started.id}`, token))).toMatchObject({ state: 'running', done: 4, failed: 1 });
    h.clock.advance(60_000);
    await h.haoka.worker.drain();
    const done = json(await h.get(`/api/v1/iot/jobs/${started.id}`, token));
    expect(done).toMatchObject({ state: 'done', done: 5, failed: 1, percent: 100 });
    expect(done.items.find((i: any) => i.iccid === parcel.iccids[1])).toMatchObject({ outcome: 'failed', detail: 'the carrier refused: 12089 该卡片不是待激活、已激活、已停机,无法进行操作' });
    expect(json(await h.get(`/api/v1/iot/cards/${parcel.iccids[1]}`, token)).state).toBe('delivered');
  });

  it('refuses cards already in a job that has not finished', async () => {
    const { token, operator } = await aBusiness(h);
    const { batchId } = await aPaidBatch(h, token, 3);
    await deliver(h, operator, (await shipParcel(h, operator, batchId, 3)).trackingNo);
    expect((await h.post('/api/v1/iot/activations', token, { batchId })).statusCode).toBe(202);
    expect(json(await h.post('/api/v1/iot/activations', token, { batchId })).error.code).toBe('IOT.CARD_BUSY');
  });
});
