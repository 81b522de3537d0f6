// The demo catalog: plans of all four carriers and a pool of numbers, so a fresh start has something to sell.
import type { Carrier, Plan } from '../domain/order.ts';
import type { NumbersTable } from '../adapters/store/schema.ts';
import type { Store } from '../adapters/store/store.ts';
import { hashPassword } from '../app/platform/sign-in.ts';
import { SeededRandom } from '../adapters/sim/random.ts';
import { vanityOf as vanityByDigits } from '../domain/suppliers/vanity.ts';

export const DEMO_PLANS: Plan[] = [
  { id: 'cm-58', carrier: 'china_mobile', name: '移动花卡 58元套餐', monthlyFeeFen: 5800, dataMb: 30 * 1024, voiceMinutes: 200, contractMonths: 12, activationWindowDays: 15, trialDays: 0, priceFen: 0, active: true, penaltyRule: { kind: 'remaining_share', percent: 30 } },
  { id: 'cm-129', carrier: 'china_mobile', name: '移动全球通 129元', monthlyFeeFen: 12900, dataMb: 80 * 1024, voiceMinutes: 800, contractMonths: 24, activationWindowDays: 30, trialDays: 0, priceFen: 5000, active: true, penaltyRule: { kind: 'remaining_share', percent: 50 } },
  { id: 'cu-39', carrier: 'china_unicom', name: '联通大王卡 39元', monthlyFeeFen: 3900, dataMb: 40 * 1024, voiceMinutes: 100, contractMonths: 0, activationWindowDays: 15, trialDays: 7, priceFen: 0, active: true, penaltyRule: { kind: 'fixed', fen: 0 } },
  { id: 'cu-99', carrier: 'china_unicom', name: '联通冰激凌 99元', monthlyFeeFen: 9900, dataMb: 60 * 1024, voiceMinutes: 500, contractMonths: 12, activationWindowDays: 20, trialDays: 15, priceFen: 1000, active: true, penaltyRule: { kind: 'fixed', fen: 10_000 } },
  { id: 'ct-29', carrier: 'china_telecom', name: '电信星卡 29元', monthlyFeeFen: 2900, dataMb: 30 * 1024, voiceMinutes: 0, contractMonths: 0, activationWindowDays: 7, trialDays: 0, priceFen: 0, active: true, penaltyRule: { kind: 'fixed', fen: 0 } },
  { id: 'ct-169', carrier: 'china_telecom', name: '电信5G畅享 169元', monthlyFeeFen: 16900, dataMb: 100 * 1024, voiceMinutes: 1000, contractMonths: 24, activationWindowDays: 15, trialDays: 10, priceFen: 10000, active: true, penaltyRule: { kind: 'remaining_share', percent: 30 } },
  { id: 'cb-19', carrier: 'china_broadnet', name: '广电 19元 5G 卡', monthlyFeeFen: 1900, dataMb: 20 * 1024, voiceMinutes: 100, contractMonths: 6, activationWindowDays: 15, trialDays: 0, priceFen: 0, active: true, penaltyRule: { kind: 'fixed', fen: 5_000 } },
];

const PREFIXES: Record<Carrier, string[]> = {
  china_mobile: ['138', '139', '150', '188'],
  china_unicom: ['130', '156', '186'],
  china_telecom: ['133', '153', '189'],
  china_broadnet: ['192'],
};

/** Vanity level and surcharge from the digits, by the default patterns (domain/suppliers/vanity.ts). */
export function vanityOf(number: string): { level: number; priceFen: number } {
  const v = vanityByDigits(number);
  return { level: v.level, priceFen: v.priceFen };
}

// Modest ones (lucky tails, ABAB, AABB, AAA): rarer numbers stay rare.
const VANITY_TAILS = ['0168', '1212', '0518', '3344', '1314', '2999', '0666', '5656'];

export function demoNumbers(perCarrier: number, seed = 7, now = 0): NumbersTable[] {
  const rnd = new SeededRandom(seed);
  const rows: NumbersTable[] = [];
  const seen = new Set<string>();
  for (const [carrier, prefixes] of Object.entries(PREFIXES) as [Carrier, string[]][]) {
    for (let i = 0; i < perCarrier; i++) {
      let n = '';
      do n = prefixes[i % prefixes.length]! + String(Math.floor(rnd.next() * 1e8)).padStart(8, '0');
      while (seen.has(n));
      // A real pool has a few vanity numbers among the plain ones: every fifth gets a tail worth a surcharge.
      if (i % 5 === 0) {
        const tail = VANITY_TAILS[(i / 5) % VANITY_TAILS.length]!;
        const dressed = n.slice(0, 11 - tail.length) + tail;
        if (!seen.has(dressed)) n = dressed;
      }
      seen.add(n);
      const v = vanityOf(n);
      rows.push({ id: `N${n}`, carrier, number: n, vanity_level: v.level, price_fen: v.priceFen, state: 'free', order_id: null, updated_at: now });
    }
  }
  return rows;
}

export const DEMO_AGENTS = [
  { username: 'agent', displayName: '客服 小王', role: 'agent', password: 'agent123', group: 'standard' },
  // The priority channel (绿色通道) is served by its own named group.
  { username: 'priority', displayName: '绿色通道 小陈', role: 'agent', password: 'priority123', group: 'priority' },
  { username: 'supervisor', displayName: '主管 李姐', role: 'supervisor', password: 'super123', group: 'standard' },
  { username: 'operator', displayName: '运营 张三', role: 'operator', password: 'ops123', group: 'standard' },
] as const;

/** Seeds once: a store that already has plans is left alone. */
export async function seedDemo(store: Store, now: number, numbersPerCarrier = 200): Promise<boolean> {
  if ((await store.orders.listPlans(false)).length > 0) return false;
  await store.tx(async (r) => {
    await r.orders.insertPlans(DEMO_PLANS, now);
    await r.orders.insertNumbers(demoNumbers(numbersPerCarrier, 7, now));
    for (const a of DEMO_AGENTS) {
      await r.accounts.insertAgent({ id: `A-${a.username}`, username: a.username, display_name: a.displayName, role: a.role, agent_group: a.group, password_hash: hashPassword(a.password), created_at: now });
    }
  });
  return true;
}
