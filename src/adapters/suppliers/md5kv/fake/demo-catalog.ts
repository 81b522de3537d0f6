// The fake supplier's demo catalog: free cards with first top-ups, a paid card, refused regions, age bands.
import type { FakeProduct } from './fake-supplier.ts';

const base = { deliveryRegions: [] as string[], onSale: true, ageMin: 16, ageMax: 60, promotion: null, numberProvince: '', numberCity: '' };

export const DEMO_PRODUCTS: FakeProduct[] = [
  { ...base, productId: 'P1001', productName: '移动花卡 宝藏版 29元', operator: 'CMCC', monthlyFee: '29.00', flowGb: 30, voiceMinutes: 100, price: '0.00',
    firstRecharge: { amount: '50.00', days: 30, rule: '激活后首充 50 元，分 5 个月返还' }, contractMonths: 0, promotion: { months: 6, fee: '19.00', feeAfter: '29.00' },
    refusedRegions: ['新疆', '西藏'], prefixes: ['138', '139', '188'] },
  { ...base, productId: 'P1002', productName: '联通王卡 广州号 39元', operator: 'CUCC', monthlyFee: '39.00', flowGb: 40, voiceMinutes: 100, price: '0.00',
    firstRecharge: null, contractMonths: 12, refusedRegions: ['新疆', '西藏', '云南'], numberProvince: '广东', numberCity: '广州', prefixes: ['156', '186'] },
  { ...base, productId: 'P1003', productName: '电信星卡 19元 靓号版', operator: 'CTCC', monthlyFee: '19.00', flowGb: 20, voiceMinutes: 0, price: '50.00',
    firstRecharge: { amount: '100.00', days: 15, rule: '首充 100 元立即到账' }, contractMonths: 24, refusedRegions: ['新疆', '西藏'], ageMin: 18, ageMax: 55, prefixes: ['153', '189'] },
];
