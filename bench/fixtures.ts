// Data the benchmark needs in bulk: valid resident IDs, customer phones, free numbers written straight into the file.
import SqliteDatabase from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { DB } from '../src/adapters/store/schema.ts';
import { withCheckDigit } from '../src/domain/resident-id.ts';
import type { Deps } from '../src/app/platform/deps.ts';
import { issueCustomerToken } from '../src/app/platform/sign-in.ts';
import { isError, type DomainError } from '../src/domain/errors.ts';
import { createDistributor, createPromotionCode, putCommissionRule } from '../src/app/distribution/manage.ts';
import type { Customer } from './workload.ts';

const DAY = 86_400_000;
const BIRTH_BASE = Date.UTC(1960, 0, 1);

/** The k-th of many distinct valid resident IDs: a thousand per birth date, dates counted from 1960. */
export function residentId(k: number): string {
  const ymd = new Date(BIRTH_BASE + Math.floor(k / 1000) * DAY).toISOString().slice(0, 10).replaceAll('-', '');
  return withCheckDigit(`110105${ymd}${String(k % 1000).padStart(3, '0')}`);
}

export const customerPhone = (i: number): string => `139${String(i).padStart(8, '0')}`;

/** Bench numbers are China Mobile 198-numbers, apart from the demo catalog's prefixes. */
export const benchNumberId = (i: number): string => `NB198${String(i).padStart(8, '0')}`;

/** The flash sale's numbers: China Mobile 166-numbers, apart from the demo catalog and the other bench numbers. */
export const flashNumberId = (i: number): string => `NF166${String(i).padStart(8, '0')}`;

/** The plan every bench order buys (China Mobile, 50 yuan up front, so payments carry money). */
export const BENCH_PLAN = 'cm-129';
/** The API v3 key of the bench's WeChat Pay merchant and its fake gateway (bench/gateway-cycles.ts). */
export const BENCH_WECHAT_APIV3_KEY = 'benchbenchbenchbenchbenchbench32';

/** The bench supplier's keys and the product its cycles order (a paid card: the order waits for payment). */
export const BENCH_SUPPLIER = { id: 'bench', appId: 'HKBENCH1', secret: 'haoka-bench-md5kv-secret-not-for-production', product: 'P1003' } as const;

export const ADDRESS = { province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南区 1 栋 101' };

export function openRaw(file: string): SqliteDatabase.Database {
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  return raw;
}

export function insertFreeNumbers(raw: SqliteDatabase.Database, from: number, count: number, now: number, priceFen = 0): void {
  const ins = raw.prepare(`insert into numbers (id, carrier, number, vanity_level, price_fen, state, order_id, updated_at)
    values (?, 'china_mobile', ?, 0, ${priceFen}, 'free', null, ?)`);
  raw.transaction(() => {
    for (let i = from; i < from + count; i++) {
      const id = benchNumberId(i);
      ins.run(id, id.slice(2), now);
    }
  })();
}

/** The same free numbers on PostgreSQL, in multi-row inserts. */
export async function insertFreeNumbersPg(db: Kysely<DB>, from: number, count: number, now: number, priceFen = 0): Promise<void> {
  for (let i = from; i < from + count; i += 5000) {
    const rows = [];
    for (let j = i; j < Math.min(from + count, i + 5000); j++) {
      const id = benchNumberId(j);
      rows.push({ id, carrier: 'china_mobile', number: id.slice(2), vanity_level: 0, price_fen: priceFen, state: 'free', order_id: null, updated_at: now });
    }
    await db.insertInto('numbers').values(rows).execute();
  }
}

/** Bench customers `from` .. `from + count - 1`, signed in, each with a resident ID of their own. */
export async function signInCustomers(deps: Deps, from: number, count: number): Promise<Customer[]> {
  const out: Customer[] = [];
  // A hundred at a time, so that their transactions share commits (each would otherwise wait for its own fsync).
  for (let at = from; at < from + count; at += 100) {
    const batch = Array.from({ length: Math.min(100, from + count - at) }, (_, k) => at + k);
    const tokens = await Promise.all(batch.map((i) => issueCustomerToken(deps, customerPhone(i))));
    tokens.forEach((t, k) => {
      if (isError(t)) throw new Error(t.message);
      out.push({ ...t, phone: customerPhone(batch[k]!), residentId: residentId(batch[k]!) });
    });
  }
  return out;
}

/**
 * A second-level seller's general link, on a plan with a commission rule: an order through it keeps a chain of two
 * and two shares, accrued when paid and voided when cancelled. Returns the promotion code.
 */
export async function benchPromotionCode(deps: Deps): Promise<string> {
  const must = <T>(r: T | DomainError): T => {
    if (isError(r)) throw new Error(r.message);
    return r;
  };
  const top = must(await createDistributor(deps, { name: 'bench-top', password: 'bench-password' }));
  const seller = must(await createDistributor(deps, { name: 'bench-seller', password: 'bench-password', parentId: top.id }));
  must(await putCommissionRule(deps, BENCH_PLAN, { levelFen: [10000, 8000, 5000], minFirstTopUpFen: 5000, daysInService: 0, probationDays: 30 }, 'bench'));
  return must(await createPromotionCode(deps, seller.id, null)).code;
}
