// What a supplier's plan must tell the customer before ordering: the terms customers complain about when hidden.
import type { Fen } from '../order.ts';

export interface PlanDisclosure {
  /** 首充: the customer tops up this much after activation (null: no first top-up); `rule` in the supplier's words. */
  firstTopUp: { amountFen: Fen; withinDays: number; rule: string } | null;
  /** 合约期: months the plan binds (0: none). */
  contractMonths: number;
  /** A promotional fee for the first months, then the regular fee (null: the fee never changes). */
  promotion: { months: number; feeFen: Fen; feeAfterFen: Fen } | null;
  /** Provinces the supplier delivers to; empty: everywhere on the mainland. */
  deliveryRegions: string[];
  /** Provinces the supplier refuses to deliver to (禁发区). */
  refusedRegions: string[];
  /** Where the number is registered (号码归属地): a province and city, or `delivery` when it follows the address. */
  numberHome: { province: string; city: string } | 'delivery';
  /** The card costs the customer nothing (most do): the order needs no payment. */
  freeCard: boolean;
}

export const NO_DISCLOSURE: PlanDisclosure = {
  firstTopUp: null, contractMonths: 0, promotion: null, deliveryRegions: [], refusedRegions: [], numberHome: 'delivery', freeCard: true,
};

const yuan = (fen: Fen): string => (fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2));

/** The disclosure as short lines, in the order a customer reads them before ordering (Chinese, as shown on the page). */
export function disclosureLines(d: PlanDisclosure): string[] {
  const lines: string[] = [];
  lines.push(d.freeCard ? '免费领卡，包邮到家' : '需付费办理');
  if (d.firstTopUp) lines.push(`激活后 ${d.firstTopUp.withinDays} 天内首充 ${yuan(d.firstTopUp.amountFen)} 元：${d.firstTopUp.rule}`);
  else lines.push('无需首充');
  lines.push(d.contractMonths > 0 ? `合约期 ${d.contractMonths} 个月` : '无合约期');
  if (d.promotion) lines.push(`前 ${d.promotion.months} 个月月租 ${yuan(d.promotion.feeFen)} 元，之后 ${yuan(d.promotion.feeAfterFen)} 元/月`);
  lines.push(d.numberHome === 'delivery' ? '号码归属地：随收货地址' : `号码归属地：${d.numberHome.province}${d.numberHome.city}`);
  if (d.deliveryRegions.length) lines.push(`仅发往：${d.deliveryRegions.join('、')}`);
  if (d.refusedRegions.length) lines.push(`不发货地区：${d.refusedRegions.join('、')}`);
  return lines;
}

/** Whether an address's province can be delivered to under the plan. */
export function deliversTo(d: PlanDisclosure, province: string): boolean {
  if (d.refusedRegions.some((r) => province.startsWith(r))) return false;
  return d.deliveryRegions.length === 0 || d.deliveryRegions.some((r) => province.startsWith(r));
}

/** Fields whose change matters to a customer: a change to any of them is new terms (for new orders only). */
export function disclosureChanged(a: PlanDisclosure, b: PlanDisclosure): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}
