// The demo's IoT plans and stock ranges (data-only plans, monthly quota, contract, per-card fee, penalty rule).
import type { IotPlan } from '../../domain/iot/card.ts';
import type { Store } from '../../adapters/store/store.ts';
import { iotRepos } from '../../adapters/store/iot/index.ts';

export const IOT_PLANS: IotPlan[] = [
  { id: 'iot-cm-1g', carrier: 'china_mobile', name: '移动物联卡 1GB/月', quotaMb: 1024, monthlyFeeFen: 500, contractMonths: 12, cardFeeFen: 1999, penaltyRule: { kind: 'remaining_share', percent: 50 }, activationWindowDays: 30, active: true },
  { id: 'iot-cu-100m', carrier: 'china_unicom', name: '联通物联卡 100MB/月', quotaMb: 100, monthlyFeeFen: 200, contractMonths: 24, cardFeeFen: 990, penaltyRule: { kind: 'fixed', fen: 1000 }, activationWindowDays: 30, active: true },
  { id: 'iot-ct-5g', carrier: 'china_telecom', name: '电信物联卡 5GB/月', quotaMb: 5120, monthlyFeeFen: 1800, contractMonths: 12, cardFeeFen: 3999, penaltyRule: { kind: 'remaining_share', percent: 30 }, activationWindowDays: 30, active: true },
];

/** Card stock per carrier: ICCID bodies (issuer prefixes 898600 mobile, 898601 unicom, 898603 telecom) and 13-digit IoT numbers. */
export const IOT_STOCK = [
  { id: 'iot-stock-cm-1', carrier: 'china_mobile', first_body: '8986001900000000000', first_number: '1440000000000', size: 100_000 },
  { id: 'iot-stock-cu-1', carrier: 'china_unicom', first_body: '8986011900000000000', first_number: '1460000000000', size: 100_000 },
  { id: 'iot-stock-ct-1', carrier: 'china_telecom', first_body: '8986031900000000000', first_number: '1410000000000', size: 100_000 },
];

export async function ensureIotCatalog(store: Store, now: number): Promise<void> {
  await store.tx(async (r) => {
    const iot = iotRepos(r);
    await iot.accounts.upsertPlans(IOT_PLANS, now);
    await iot.accounts.addStock(IOT_STOCK.map((s) => ({ ...s, next_offset: 0 })));
  });
}
