// The demo's catalog: the fake supplier's plans come in through the same sync at the first start and are put on sale
// beside the platform's own, with their disclosure; later syncs bring new plans in unpublished, as in production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../fixtures/harness.ts';
import { seedSupplierPlans } from '../../../src/app/suppliers/catalog-sync.ts';
import { DEMO_PRODUCTS } from '../../../src/adapters/suppliers/md5kv/fake/demo-catalog.ts';

let h: Harness;
let operator: string;
const json = (r: { body: string }) => JSON.parse(r.body);
interface ListedPlan { id: string; name: string; fromSupplier: boolean; disclosure: string[] }
const onSale = async (): Promise<ListedPlan[]> => json(await h.get('/api/v1/plans', null)).plans;

beforeAll(async () => {
  h = await startHarness({}, { suppliers: 'demo' });
  operator = await h.staff('operator');
});
afterAll(() => h?.close());

describe('the demo catalog', () => {
  it('offers the fake supplier\u2019s plans, synced and published, beside the platform\u2019s own', async () => {
    const plans = await onSale();
    const fromSupplier = plans.filter((p) => p.fromSupplier);
    expect(fromSupplier.map((p) => p.id).sort()).toEqual(DEMO_PRODUCTS.map((p) => `sp-demo-${p.productId}`).sort());
    expect(fromSupplier.map((p) => p.name).sort()).toEqual(DEMO_PRODUCTS.map((p) => p.productName).sort());
    expect(plans.find((p) => p.id === 'cm-58')).toMatchObject({ fromSupplier: false, disclosure: [] });
    const states = await h.haoka.deps.store.suppliers.listPlans('demo');
    expect(states.map((s) => s.state)).toEqual(['published', 'published', 'published']);
  });

  it('lists each supplier plan with its disclosure, as its order page shows it', async () => {
    const free = (await onSale()).find((p) => p.id === 'sp-demo-P1001')!;
    expect(free.disclosure).toEqual(['免费领卡，包邮到家', '激活后 30 天内首充 50 元：激活后首充 50 元，分 5 个月返还', '无合约期', '前 6 个月月租 19 元，之后 29 元/月', '号码归属地：随收货地址', '不发货地区：新疆、西藏']);
    expect(json(await h.get('/api/v1/suppliers/plans/sp-demo-P1003', null)).lines).toEqual((await onSale()).find((p) => p.id === 'sp-demo-P1003')!.disclosure);
    // The supplier's pool answers for the demo's plans.
    expect(json(await h.get('/api/v1/suppliers/plans/sp-demo-P1003/numbers?limit=3', null)).numbers).toHaveLength(3);
  });

  it('brings a plan the supplier adds later in unpublished, for the operator', async () => {
    h.haoka.sims.supplier!.putProduct({ ...DEMO_PRODUCTS[0]!, productId: 'P2001', productName: '移动新卡 19元' });
    expect(json(await h.post('/api/v1/operator/suppliers/sync', operator, {})).suppliers[0].added).toEqual(['sp-demo-P2001']);
    expect((await onSale()).map((p) => p.id)).not.toContain('sp-demo-P2001');
  });

  it('leaves a store that holds supplier plans as it is on the next start', async () => {
    await h.post('/api/v1/operator/suppliers/plans/sp-demo-P1002/publish', operator, { publish: false });
    expect(await seedSupplierPlans(h.haoka.deps)).toEqual([]);
    expect((await onSale()).map((p) => p.id)).not.toContain('sp-demo-P1002');
  });
});
