// The distribution statements on the request path (placing through a link, every decision's commission hook),
// compiled once per engine like the orders' own (compiled.ts): building a Kysely query costs more than running it.
import type { Kysely, Selectable } from 'kysely';
import { statement } from '../compiled.ts';
import type { DistributionDB, OrderAttributionsTable } from './schema.ts';

const own = (db: unknown) => db as Kysely<DistributionDB>;

export type AttributionRow = Selectable<OrderAttributionsTable> & { push_url: string | null };

/** One order's attribution with its seller's push-back URL (the hook reads both at every decision). */
export const attributionOfOrder = statement<{ id: string }, AttributionRow>((db, p) => own(db).selectFrom('order_attributions as a')
  .leftJoin('distributors as d', 'd.id', 'a.distributor_id').selectAll('a').select('d.push_url').where('a.order_id', '=', p('id')) as never);

/** One order's seller and its push-back URL, without the terms it was sold under (an unpaid order's decision needs no more). */
export const sellerOfOrder = statement<{ id: string }, { order_id: string; distributor_id: string; push_url: string | null }>((db, p) => own(db).selectFrom('order_attributions as a')
  .leftJoin('distributors as d', 'd.id', 'a.distributor_id').select(['a.order_id', 'a.distributor_id', 'd.push_url']).where('a.order_id', '=', p('id')) as never);

export interface ChainRow {
  code: string | null; plan_id: string | null;
  s_id: string; s_state: string; s_level: number; s_parent: string | null;
  p_id: string | null; p_level: number | null; p_parent: string | null;
  g_id: string | null; g_level: number | null;
  /** The plan's commission rule as it stands now (JSON), null when the plan has none. */
  rule: string | null;
}

/** A seller, the two levels above it and the plan's commission rule in one read; shape `code` starts from a promotion code, `id` from the seller. */
export const sellerChain = statement<{ key: string; planId: string }, ChainRow>((db, p, shape) => {
  const d = own(db);
  const base = shape === 'code'
    ? d.selectFrom('promotion_codes as c').innerJoin('distributors as s', 's.id', 'c.distributor_id').select(['c.code', 'c.plan_id']).where('c.code', '=', p('key'))
    : d.selectFrom('distributors as s').select((eb) => [eb.val(null).as('code'), eb.val(null).as('plan_id')]).where('s.id', '=', p('key'));
  return (base as ReturnType<typeof d.selectFrom<'distributors as s'>>)
    .leftJoin('distributors as pa', 'pa.id', 's.parent_id').leftJoin('distributors as g', 'g.id', 'pa.parent_id')
    .leftJoin('commission_rules as r', (j) => j.on('r.plan_id', '=', p('planId')))
    .select(['s.id as s_id', 's.state as s_state', 's.level as s_level', 's.parent_id as s_parent', 'pa.id as p_id', 'pa.level as p_level', 'pa.parent_id as p_parent', 'g.id as g_id', 'g.level as g_level', 'r.rule']) as never;
});

export const ruleOfPlan = statement<{ planId: string }, { rule: string }>((db, p) => own(db).selectFrom('commission_rules').select('rule').where('plan_id', '=', p('planId')) as never);
