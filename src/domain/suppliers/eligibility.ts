// Eligibility before payment: a plan's rules (synced from its supplier, editable by operators) checked against the
// customer's resident ID, phone and address, with facts the caller loads (recent orders, live cards, blacklist hits).
// Pure. Each refusal has a stable code and a sentence that says what would work instead.
import { fail, type DomainError } from '../errors.ts';
import type { Address } from '../order.ts';

export interface EligibilityRules {
  /** Age band from the resident ID's birth date, in whole years on the day of ordering (Beijing); null: none. */
  age: { min: number; max: number } | null;
  /** Provinces (prefixes) the plan is not delivered to (禁发区). */
  refusedRegions: string[];
  /** Parcel lockers and pickup stations refused as delivery addresses (the card is handed over against an ID check). */
  refusePickupPoints: boolean;
  /** At most one order per resident ID per carrier within this many days (0: no such rule). */
  onePerIdDays: number;
}

export const DEFAULT_RULES: EligibilityRules = { age: { min: 16, max: 60 }, refusedRegions: [], refusePickupPoints: true, onePerIdDays: 30 };

export const REFUSAL_CODES = ['ELIGIBILITY.AGE', 'ELIGIBILITY.REGION', 'ELIGIBILITY.PICKUP_ADDRESS', 'ELIGIBILITY.RECENT_ORDER', 'ELIGIBILITY.CARD_LIMIT', 'ELIGIBILITY.BLACKLISTED'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  code: RefusalCode;
  field: 'residentId' | 'address' | 'contactPhone' | null;
  /** What the customer reads: why, and what would work. */
  message: string;
}

export interface EligibilityFacts {
  /** What the customer has typed so far: a rule whose field is still empty is not checked yet. */
  residentId: string | null;
  address: Address | null;
  now: number;
  /** Orders under this ID with this carrier inside the rule's days (paid, or waiting for payment). */
  recentOrders: number;
  /** Live cards under this ID with this carrier, and the real-name limit. */
  liveCards: number;
  cardLimit: number;
  /** What the platform blacklist matched (ID, phone, address). */
  blacklisted: ('resident_id' | 'phone' | 'address')[];
}

/** Words that name a parcel locker or a pickup station rather than a door. */
const PICKUP = /(快递柜|智能柜|丰巢|速递易|驿站|自提|代收点|收件宝|兔喜|格格货栈|云柜|中邮揽投|快递超市)/;

export function isPickupPoint(detail: string): boolean {
  return PICKUP.test(detail.replace(/\s+/g, ''));
}

/** Age in whole years on the day (Beijing), from the ID's birth date (positions 7-14); null when it does not read. */
export function ageFromResidentId(id: string, now: number): number | null {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})/.exec(id);
  if (!m) return null;
  const d = new Date(now + 8 * 3_600_000);
  const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = d.getUTCFullYear() - y;
  if (d.getUTCMonth() + 1 < mo || (d.getUTCMonth() + 1 === mo && d.getUTCDate() < da)) age--;
  return age;
}

/** Every refusal that applies, in the order the form shows them; empty: eligible. */
export function checkEligibility(rules: EligibilityRules, f: EligibilityFacts): Refusal[] {
  const out: Refusal[] = [];
  if (f.blacklisted.length) {
    out.push({ code: 'ELIGIBILITY.BLACKLISTED', field: null, message: '暂时无法为您办理，请联系客服核实信息。' });
    return out;
  }
  const age = f.residentId === null ? null : ageFromResidentId(f.residentId, f.now);
  if (rules.age && f.residentId !== null && (age === null || age < rules.age.min || age > rules.age.max)) {
    out.push({ code: 'ELIGIBILITY.AGE', field: 'residentId', message: `该套餐仅限 ${rules.age.min}-${rules.age.max} 周岁办理；可由符合年龄的家人用本人身份证办理，或选择其他套餐。` });
  }
  if (f.address && rules.refusedRegions.some((r) => f.address!.province.startsWith(r))) {
    out.push({ code: 'ELIGIBILITY.REGION', field: 'address', message: `该套餐不发往${f.address.province}；可填写其他省份的收货地址，或选择支持该地区的套餐。` });
  }
  if (f.address && rules.refusePickupPoints && isPickupPoint(f.address.detail)) {
    out.push({ code: 'ELIGIBILITY.PICKUP_ADDRESS', field: 'address', message: '号卡需本人当面签收核验，不能寄往快递柜或驿站；请填写住址或单位地址。' });
  }
  if (f.residentId !== null && rules.onePerIdDays > 0 && f.recentOrders > 0) {
    out.push({ code: 'ELIGIBILITY.RECENT_ORDER', field: 'residentId', message: `同一身份证 ${rules.onePerIdDays} 天内只能办理一张该运营商的号卡；可等待期满后再办理，或选择其他运营商的套餐。` });
  }
  if (f.residentId !== null && f.liveCards >= f.cardLimit) {
    out.push({ code: 'ELIGIBILITY.CARD_LIMIT', field: 'residentId', message: `同一身份证在该运营商名下最多 ${f.cardLimit} 张号卡（一证五号）；可先注销不用的号卡，或选择其他运营商的套餐。` });
  }
  return out;
}

/** The first refusal as the error value a use case returns (all of them in its details). */
export function refusalError(refusals: Refusal[]): DomainError | null {
  const first = refusals[0];
  if (!first) return null;
  return fail(first.code, first.message, { field: first.field, refusals });
}

/** Checks an operator's rules before they are kept. */
export function checkRules(r: EligibilityRules): DomainError | null {
  if (r.age && (!Number.isInteger(r.age.min) || !Number.isInteger(r.age.max) || r.age.min < 16 || r.age.max > 120 || r.age.min > r.age.max)) {
    return fail('SUPPLIER.INVALID_SETTINGS', 'The age band is whole years, from 16 at the least, lower bound first.', { age: r.age });
  }
  if (!Number.isInteger(r.onePerIdDays) || r.onePerIdDays < 0 || r.onePerIdDays > 365) return fail('SUPPLIER.INVALID_SETTINGS', 'One order per ID is counted over 0 to 365 days.', { onePerIdDays: r.onePerIdDays });
  if (r.refusedRegions.some((x) => typeof x !== 'string' || x.length < 2 || x.length > 20)) return fail('SUPPLIER.INVALID_SETTINGS', 'Each refused region is a province name.', {});
  return null;
}
