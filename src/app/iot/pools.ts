// Traffic pools (流量池): a business groups its cards; the pool's monthly quota is the sum of its live members'
// quotas; the carrier's daily usage report fills it; alerts at 80 % and 100 % (each once a month); over quota the
// pool's setting applies: data stops, or each GB started over it costs the overage fee.
import { fail, isError, type DomainError } from '../../domain/errors.ts';
import { alertLevelsReached, dataStopped, overageFen, poolFigures, type OverQuotaAction } from '../../domain/iot/pool.ts';
import { billDayEnd, billDayOf, billDayStart, previousBillDay } from '../../domain/policies/bill-day.ts';
import { iotRepos, type PoolRow, type StaffRow } from '../../adapters/store/iot/index.ts';
import { inTx, newId, type Deps } from '../platform/deps.ts';
import { cardEvent, iotOutbox, type IotActor } from './trail.ts';
import { CarrierRefusal } from './ports.ts';

export interface PoolView {
  id: string;
  name: string;
  overQuota: OverQuotaAction;
  overageFeePerGbFen: number;
  month: string;
  members: number;
  quotaMb: number;
  monthlyFeeFen: number;
  usedMb: number;
  percent: number;
  overage: { overMb: number; billedGb: number; feeFen: number };
  dataStopped: boolean;
  alerts: { month: string; level: number; usedMb: number; quotaMb: number; at: number }[];
  daily: { day: string; mb: number }[];
}

export async function createPool(deps: Deps, me: StaffRow, input: { name: string; overQuota: OverQuotaAction; overageFeePerGbFen: number; iccids?: string[] }): Promise<PoolView | DomainError> {
  const now = deps.clock.now();
  const id = newId('IP', now);
  const made = await inTx(deps.store, async (r) => {
    await iotRepos(r).accounts.insertPool({ id, business_id: me.business_id, name: input.name.trim(), over_quota: input.overQuota, overage_fee_per_gb_fen: input.overageFeePerGbFen, created_at: now });
    if (input.iccids?.length) {
      const added = await addCards(r, me, id, input.iccids, now);
      if (typeof added !== 'number') return added;
    }
    return id;
  });
  if (typeof made !== 'string') return made;
  return poolView(deps, me, id);
}

export async function addToPool(deps: Deps, me: StaffRow, poolId: string, iccids: string[]): Promise<PoolView | DomainError> {
  const now = deps.clock.now();
  const out = await inTx(deps.store, async (r) => {
    const pool = await iotRepos(r).accounts.getPool(poolId);
    if (!pool || pool.business_id !== me.business_id) return fail('IOT.POOL_NOT_FOUND', 'No such pool.', { poolId });
    return addCards(r, me, poolId, iccids, now);
  });
  if (typeof out !== 'number') return out;
  return poolView(deps, me, poolId);
}

async function addCards(r: Parameters<typeof iotRepos>[0], me: StaffRow, poolId: string, iccids: string[], now: number): Promise<number | DomainError> {
  const iot = iotRepos(r);
  const wanted = [...new Set(iccids)];
  const cards = await iot.cards.listCards({ businessId: me.business_id, iccids: wanted });
  const found = new Set(cards.map((c) => c.iccid));
  const missing = wanted.filter((x) => !found.has(x));
  if (missing.length) return fail('IOT.CARD_NOT_FOUND', `${missing.length} of the ICCIDs are not cards of this business.`, { missing: missing.slice(0, 20) });
  const ended = cards.filter((c) => c.state === 'cancelled' || c.state === 'account_closed');
  if (ended.length) return fail('IOT.CARD_NOT_IN_STATE', 'A cancelled or closed card cannot join a pool.', { iccids: ended.slice(0, 20).map((c) => c.iccid) });
  const elsewhere = cards.filter((c) => c.pool_id !== null && c.pool_id !== poolId);
  if (elsewhere.length) return fail('IOT.CARD_NOT_IN_STATE', 'A card belongs to one pool at a time.', { iccids: elsewhere.slice(0, 20).map((c) => c.iccid) });
  const joining = cards.filter((c) => c.pool_id === null);
  await iot.cards.setPool(joining.map((c) => c.id), poolId, now);
  const actor: IotActor = { type: 'business', id: me.id };
  await iot.cards.insertEvents(joining.map((c) => cardEvent(c.id, 'card.pooled', c.state, c.state, actor, now, `joined pool ${poolId}`)));
  return joining.length;
}

const monthOf = (day: string) => day.slice(0, 7);

export async function poolView(deps: Deps, me: StaffRow, poolId: string, month = monthOf(billDayOf(deps.clock.now()))): Promise<PoolView | DomainError> {
  const iot = iotRepos(deps.store);
  const pool = await iot.accounts.getPool(poolId);
  if (!pool || pool.business_id !== me.business_id) return fail('IOT.POOL_NOT_FOUND', 'No such pool.', { poolId });
  return buildView(deps, pool, month);
}

async function buildView(deps: Deps, pool: PoolRow, month: string): Promise<PoolView> {
  const iot = iotRepos(deps.store);
  const figures = poolFigures(await iot.accounts.poolMembers(pool.id));
  const usedMb = await iot.cards.poolUsageMb(pool.id, `${month}-01`, `${month}-31`);
  const action = pool.over_quota as OverQuotaAction;
  return {
    id: pool.id, name: pool.name, overQuota: action, overageFeePerGbFen: pool.overage_fee_per_gb_fen, month, ...figures, usedMb,
    percent: figures.quotaMb === 0 ? 0 : Math.floor((usedMb * 100) / figures.quotaMb),
    overage: action === 'overage_fee' ? overageFen(usedMb, figures.quotaMb, pool.overage_fee_per_gb_fen) : { overMb: Math.max(0, usedMb - figures.quotaMb), billedGb: 0, feeFen: 0 },
    dataStopped: dataStopped(action, usedMb, figures.quotaMb),
    alerts: (await iot.cards.alerts(pool.id)).map((a) => ({ month: a.month, level: a.level, usedMb: a.used_mb, quotaMb: a.quota_mb, at: a.at })),
    daily: await iot.cards.dailyPoolUsage(pool.id, `${month}-01`, `${month}-31`),
  };
}

export async function listPools(deps: Deps, me: StaffRow): Promise<PoolView[]> {
  const month = monthOf(billDayOf(deps.clock.now()));
  return Promise.all((await iotRepos(deps.store).accounts.listPools(me.business_id)).map((p) => buildView(deps, p, month)));
}

/**
 * Takes the carrier's usage report of a day (Beijing): each card's figure once (a report taken again adds nothing),
 * then each pool it touched is measured against its quota: alerts once per level and month, data stopped for a
 * pool set to stop once its quota is used up.
 */
export async function ingestDailyUsage(deps: Deps, day: string): Promise<{ cards: number; pools: number; alerts: number } | DomainError> {
  const carrier = deps.iotCarrier;
  if (!carrier) throw new Error('no IoT carrier platform configured');
  if (billDayOf(billDayStart(day)) !== day) return fail('IOT.USAGE_DAY_INVALID', `${day} is not a day of the calendar.`);
  if (billDayEnd(day) > deps.clock.now()) return fail('IOT.USAGE_DAY_NOT_OVER', `${day} is not over yet (Beijing time): the carrier reports a day's usage from the next day on.`);
  // The platform reports the cards it is asked about: those activated by the day's end.
  let report: Awaited<ReturnType<typeof carrier.dailyUsage>>;
  try {
    report = await carrier.dailyUsage(day, await iotRepos(deps.store).cards.activatedIccids(billDayEnd(day)));
  } catch (e) {
    // A day the platform no longer keeps (OneLink keeps the last 7) is refused with its code; nothing is written.
    if (e instanceof CarrierRefusal) return fail('IOT.USAGE_NOT_REPORTED', `The carrier did not report ${day}: ${e.message}`, { carrierCode: e.code });
    throw e;
  }
  const now = deps.clock.now();
  const month = monthOf(day);
  return deps.store.tx(async (r) => {
    const iot = iotRepos(r);
    const cards = await iot.cards.cardsByIccids(report.map((x) => x.iccid));
    const byIccid = new Map(cards.map((c) => [c.iccid, c]));
    const rows = report.flatMap((x) => {
      const c = byIccid.get(x.iccid);
      return c ? [{ card_id: c.id, day, used_mb: Math.max(0, Math.round(x.usedMb)), pool_id: c.pool_id, reported_at: now }] : [];
    });
    const taken = await iot.cards.insertUsage(rows);
    let alerts = 0;
    const pools = [...new Set(rows.map((x) => x.pool_id).filter((p): p is string => p !== null))];
    for (const poolId of pools) {
      const pool = (await iot.accounts.getPool(poolId))!;
      const quotaMb = poolFigures(await iot.accounts.poolMembers(poolId)).quotaMb;
      const usedMb = await iot.cards.poolUsageMb(poolId, `${month}-01`, `${month}-31`);
      for (const level of alertLevelsReached(usedMb, quotaMb)) {
        if (!(await iot.cards.recordAlert(poolId, month, level, usedMb, quotaMb, now))) continue;
        alerts += 1;
        await r.queue.insertOutbox([iotOutbox('iot_pool_alert', { businessId: pool.business_id, poolId, poolName: pool.name, level, usedMb, quotaMb, overQuota: pool.over_quota }, now)]);
      }
      await iot.cards.setDataStopped(poolId, dataStopped(pool.over_quota as OverQuotaAction, usedMb, quotaMb), now);
    }
    return { cards: taken, pools: pools.length, alerts };
  });
}

/** The carrier publishes a day's usage report after 02:00 Beijing the next day. */
const USAGE_REPORT_FROM_MS = 2 * 3_600_000;
const usageTaken = new WeakMap<Deps, string>();

/**
 * The worker's daily pass: yesterday's report (Beijing) is taken once it is published. Which day this process took
 * is remembered; another process or a restart taking it again adds nothing (each card's day is kept once).
 */
export async function takeYesterdaysUsage(deps: Deps): Promise<void> {
  if (!deps.iotCarrier) return;
  const now = deps.clock.now();
  const day = previousBillDay(now);
  if (usageTaken.get(deps) === day || now < billDayEnd(day) + USAGE_REPORT_FROM_MS) return;
  const taken = await ingestDailyUsage(deps, day);
  usageTaken.set(deps, day);
  if (isError(taken)) deps.log.warn({ day, code: taken.code, err: taken.message }, 'IoT usage report not taken');
  else if (taken.cards) deps.log.info({ day, ...taken }, 'IoT usage report taken');
}
