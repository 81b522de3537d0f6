// Distributors, promotion codes, commission rules, attributions, top-ups and the commission ledger.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../schema.ts';
import type { CommissionRule, Share } from '../../../domain/distribution/rules.ts';
import type { ChainLink, Distributor, DistributorState } from '../../../domain/distribution/tree.ts';
import type { EntryKind, LedgerEntry } from '../../../domain/distribution/ledger.ts';
import type { DistributionDB, DistributorsTable } from './schema.ts';
import { insertRows } from '../compiled.ts';
import { attributionOfOrder, ruleOfPlan, sellerChain, sellerOfOrder, type ChainRow } from './hot-statements.ts';

type Executor = Kysely<DB> | Transaction<DB>;
export type DistributorRow = Selectable<DistributorsTable>;

export interface Attribution {
  orderId: string;
  distributorId: string;
  promotionCode: string | null;
  /** `link` (a ?ref= code) or `open_api` (placed by the distributor on a customer's behalf). */
  channel: string;
  chain: ChainLink[];
  /** The rule the order was sold under; null when its plan had none (no commission). */
  rule: CommissionRule | null;
  shares: Share[];
  createdAt: number;
}

/** Who sold an order and where its push-backs go. */
export interface Seller { orderId: string; distributorId: string; pushUrl: string | null }

export interface StoredEntry extends LedgerEntry { id: number }

export const toDistributor = (r: DistributorRow): Distributor => ({ id: r.id, name: r.name, parentId: r.parent_id, level: r.level, state: r.state as DistributorState, createdAt: r.created_at });
const toEntry = (r: Selectable<DistributionDB['commission_entries']>): StoredEntry => ({
  id: r.id, orderId: r.order_id, distributorId: r.distributor_id, kind: r.kind as EntryKind, amountFen: r.amount_fen, debit: r.debit, credit: r.credit, ref: r.ref, at: r.at,
});
/**
 * An attribution as stored. Its chain, rule and shares are read from their JSON when first asked for: every decision
 * reads the order's attribution, and most (an unpaid order's) need only to know that there is one.
 */
function toAttribution(r: Selectable<DistributionDB['order_attributions']>, pushUrl: string | null = null): Attribution & { pushUrl: string | null } {
  let chain: ChainLink[] | undefined;
  let rule: CommissionRule | null | undefined;
  let shares: Share[] | undefined;
  return {
    orderId: r.order_id, distributorId: r.distributor_id, promotionCode: r.promotion_code, channel: r.channel, createdAt: r.created_at,
    get chain() { return (chain ??= JSON.parse(r.chain) as ChainLink[]); },
    get rule() { return rule === undefined ? (rule = r.rule ? ruleFromText(r.rule) : null) : rule; },
    get shares() { return (shares ??= JSON.parse(r.shares) as Share[]); },
    pushUrl,
  };
}

/** Rules are few and each order keeps the text of its own: each text is parsed once (the result is frozen, as it is shared). */
const parsedRules = new Map<string, CommissionRule>();
const ruleTexts = new WeakMap<CommissionRule, string>();
export function ruleFromText(text: string): CommissionRule {
  let rule = parsedRules.get(text);
  if (!rule) {
    if (parsedRules.size >= 1_000) parsedRules.clear();
    rule = deepFreeze(JSON.parse(text) as CommissionRule);
    parsedRules.set(text, rule);
    ruleTexts.set(rule, text);
  }
  return rule;
}
const ruleText = (rule: CommissionRule): string => ruleTexts.get(rule) ?? JSON.stringify(rule);
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') for (const x of Object.values(Object.freeze(v))) deepFreeze(x);
  return v;
}

export class DistributionRepo {
  private readonly db: Kysely<DistributionDB>;
  constructor(private readonly exec: Executor) {
    this.db = exec as unknown as Kysely<DistributionDB>;
  }

  // ---- distributors
  async insertDistributor(row: DistributorRow): Promise<void> {
    await this.db.insertInto('distributors').values(row).execute();
  }

  getDistributor(id: string): Promise<DistributorRow | undefined> {
    return this.db.selectFrom('distributors').selectAll().where('id', '=', id).executeTakeFirst();
  }

  getDistributorByName(name: string): Promise<DistributorRow | undefined> {
    return this.db.selectFrom('distributors').selectAll().where('name', '=', name).executeTakeFirst();
  }

  getDistributorByAppKey(appKey: string): Promise<DistributorRow | undefined> {
    return this.db.selectFrom('distributors').selectAll().where('app_key', '=', appKey).executeTakeFirst();
  }

  listDistributors(): Promise<DistributorRow[]> {
    return this.db.selectFrom('distributors').selectAll().orderBy('level').orderBy('created_at').execute();
  }

  /** Replaces a sealed app secret only if it is still the one read (a rotation run twice at once writes once). */
  async replaceAppSecret(id: string, was: string, sealed: string): Promise<void> {
    await this.db.updateTable('distributors').set({ app_secret: sealed }).where('id', '=', id).where('app_secret', '=', was).execute();
  }

  async updateDistributor(id: string, set: Partial<Pick<DistributorRow, 'state' | 'push_url'>>): Promise<void> {
    await this.db.updateTable('distributors').set(set).where('id', '=', id).execute();
  }

  // ---- promotion codes
  async insertPromotionCode(code: string, distributorId: string, planId: string | null, now: number): Promise<void> {
    await this.db.insertInto('promotion_codes').values({ code, distributor_id: distributorId, plan_id: planId, created_at: now }).execute();
  }

  getPromotionCode(code: string) {
    return this.db.selectFrom('promotion_codes').selectAll().where('code', '=', code).executeTakeFirst();
  }

  listPromotionCodes(distributorId: string) {
    return this.db.selectFrom('promotion_codes').selectAll().where('distributor_id', '=', distributorId).orderBy('created_at').execute();
  }

  // ---- commission rules
  async getRule(planId: string): Promise<CommissionRule | null> {
    const r = await ruleOfPlan.first(this.exec, { planId });
    return r ? ruleFromText(r.rule) : null;
  }

  /** A seller (by promotion code or id), the two levels above it and the plan's current commission rule, in one read. */
  sellerChain(by: 'code' | 'id', key: string, planId: string): Promise<ChainRow | undefined> {
    return sellerChain.first(this.exec, { key, planId }, by);
  }

  /** Writes the plan's rule and its change-log row; an unchanged rule writes nothing. Returns whether it changed. */
  async putRule(planId: string, rule: CommissionRule, by: string, now: number): Promise<boolean> {
    const old = await this.db.selectFrom('commission_rules').select('rule').where('plan_id', '=', planId).executeTakeFirst();
    const value = JSON.stringify(rule);
    if (old?.rule === value) return false;
    if (old) await this.db.updateTable('commission_rules').set({ rule: value, updated_by: by, updated_at: now }).where('plan_id', '=', planId).execute();
    else await this.db.insertInto('commission_rules').values({ plan_id: planId, rule: value, updated_by: by, updated_at: now }).execute();
    await this.db.insertInto('commission_rule_changes').values({ plan_id: planId, old_value: old?.rule ?? null, new_value: value, changed_by: by, changed_at: now }).execute();
    return true;
  }

  listRuleChanges(planId: string) {
    return this.db.selectFrom('commission_rule_changes').selectAll().where('plan_id', '=', planId).orderBy('id').execute();
  }

  // ---- attributions and line facts
  async insertAttribution(a: Attribution): Promise<void> {
    await insertRows(this.exec, 'order_attributions' as never, [{
      order_id: a.orderId, distributor_id: a.distributorId, promotion_code: a.promotionCode, channel: a.channel,
      chain: JSON.stringify(a.chain), rule: a.rule ? ruleText(a.rule) : null, shares: JSON.stringify(a.shares), created_at: a.createdAt,
    }]);
  }

  /** The attributions of orders a decision touched, each with its seller's push-back URL; one order is one compiled read. */
  async attributionsWithPushUrl(orderIds: readonly string[]): Promise<(Attribution & { pushUrl: string | null })[]> {
    if (orderIds.length === 0) return [];
    const rows = orderIds.length === 1
      ? await attributionOfOrder.rows(this.exec, { id: orderIds[0]! })
      : await this.db.selectFrom('order_attributions as a').leftJoin('distributors as d', 'd.id', 'a.distributor_id').selectAll('a').select('d.push_url')
        .where('a.order_id', 'in', [...orderIds]).execute();
    return rows.map((r) => toAttribution(r, r.push_url ?? null));
  }

  /** Who sold these orders and where their push-backs go, without the terms (for decisions on unpaid orders). */
  async sellersOf(orderIds: readonly string[]): Promise<Seller[]> {
    if (orderIds.length === 0) return [];
    const rows = orderIds.length === 1
      ? await sellerOfOrder.rows(this.exec, { id: orderIds[0]! })
      : await this.db.selectFrom('order_attributions as a').leftJoin('distributors as d', 'd.id', 'a.distributor_id').select(['a.order_id', 'a.distributor_id', 'd.push_url'])
        .where('a.order_id', 'in', [...orderIds]).execute();
    return rows.map((r) => ({ orderId: r.order_id, distributorId: r.distributor_id, pushUrl: r.push_url ?? null }));
  }

  async getAttributions(orderIds: readonly string[]): Promise<Attribution[]> {
    if (orderIds.length === 0) return [];
    return (await this.db.selectFrom('order_attributions').selectAll().where('order_id', 'in', [...orderIds]).execute()).map((r) => toAttribution(r));
  }

  /** The orders a distributor sold itself (not those of its sub-distributors), newest first. */
  async listAttributions(distributorId: string, limit = 200): Promise<Attribution[]> {
    return (await this.db.selectFrom('order_attributions').selectAll().where('distributor_id', '=', distributorId).orderBy('created_at', 'desc').limit(limit).execute()).map((r) => toAttribution(r));
  }

  /** Keeps the line's first top-up (首充) only; returns false when one was already recorded. */
  async recordFirstTopUp(orderId: string, amountFen: number, at: number): Promise<boolean> {
    const r = await this.db.insertInto('line_top_ups').values({ order_id: orderId, amount_fen: amountFen, at }).onConflict((oc) => oc.column('order_id').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async getTopUps(orderIds: readonly string[]): Promise<Map<string, { amountFen: number; at: number }>> {
    if (orderIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('line_top_ups').selectAll().where('order_id', 'in', [...orderIds]).execute();
    return new Map(rows.map((r) => [r.order_id, { amountFen: r.amount_fen, at: r.at }]));
  }

  // ---- ledger (insert only)
  async entriesOfOrders(orderIds: readonly string[]): Promise<StoredEntry[]> {
    if (orderIds.length === 0) return [];
    return (await this.db.selectFrom('commission_entries').selectAll().where('order_id', 'in', [...orderIds]).orderBy('id').execute()).map(toEntry);
  }

  async entriesOfDistributor(distributorId: string): Promise<StoredEntry[]> {
    return (await this.db.selectFrom('commission_entries').selectAll().where('distributor_id', '=', distributorId).orderBy('id').execute()).map(toEntry);
  }

  async entriesOfRef(ref: string): Promise<StoredEntry[]> {
    return (await this.db.selectFrom('commission_entries').selectAll().where('ref', '=', ref).orderBy('id').execute()).map(toEntry);
  }

  async insertEntries(entries: readonly LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.insertInto('commission_entries').values(entries.map((e) => ({
      order_id: e.orderId, distributor_id: e.distributorId, kind: e.kind, amount_fen: e.amountFen, debit: e.debit, credit: e.credit, ref: e.ref, at: e.at,
    }))).execute();
  }

  /** Orders with a commission still pending: the accrual pass looks at these as days in service go by. */
  async ordersWithPendingLines(limit = 1000): Promise<string[]> {
    const rows = await this.db.selectFrom('commission_entries as a').select('a.order_id').distinct()
      .where('a.kind', '=', 'accrue')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('commission_entries as x').select(sql`1`.as('one'))
        .whereRef('x.order_id', '=', 'a.order_id').whereRef('x.distributor_id', '=', 'a.distributor_id').where('x.kind', 'in', ['qualify', 'void']))))
      .limit(limit).execute();
    return rows.map((r) => r.order_id!).filter(Boolean);
  }

  /** Lines that are eligible and not yet settled nor taken back. */
  async eligibleLines(): Promise<{ orderId: string; distributorId: string; amountFen: number }[]> {
    const rows = await this.db.selectFrom('commission_entries as q').select(['q.order_id', 'q.distributor_id', 'q.amount_fen'])
      .where('q.kind', '=', 'qualify')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('commission_entries as x').select(sql`1`.as('one'))
        .whereRef('x.order_id', '=', 'q.order_id').whereRef('x.distributor_id', '=', 'q.distributor_id').where('x.kind', 'in', ['settle', 'reverse']))))
      .orderBy('q.id').execute();
    return rows.map((r) => ({ orderId: r.order_id!, distributorId: r.distributor_id, amountFen: r.amount_fen }));
  }

  /** Credits minus debits of every account of one distributor (or the platform). */
  async accountBalances(prefix: string): Promise<Map<string, number>> {
    const credits = await this.db.selectFrom('commission_entries').select(['credit as account', sql<number>`sum(amount_fen)`.as('n')]).where('credit', 'like', `${prefix}%`).groupBy('credit').execute();
    const debits = await this.db.selectFrom('commission_entries').select(['debit as account', sql<number>`sum(amount_fen)`.as('n')]).where('debit', 'like', `${prefix}%`).groupBy('debit').execute();
    const out = new Map<string, number>();
    for (const c of credits) out.set(c.account, (out.get(c.account) ?? 0) + Number(c.n));
    for (const d of debits) out.set(d.account, (out.get(d.account) ?? 0) - Number(d.n));
    return out;
  }

  // ---- settlement runs
  getSettlementRun(id: string) {
    return this.db.selectFrom('settlement_runs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertSettlementRun(row: { id: string; started_by: string; at: number; lines: number; amount_fen: number }): Promise<void> {
    await this.db.insertInto('settlement_runs').values(row).execute();
  }

  listSettlementRuns() {
    return this.db.selectFrom('settlement_runs').selectAll().orderBy('at', 'desc').execute();
  }
}
