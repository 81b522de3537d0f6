// The fulfilment console: paid orders to pick (the card's ICCID) and pack, packed parcels to hand to the courier,
// and what has shipped. Oldest first; each step behind a confirmation; contact phones arrive masked.
import { useState } from 'react';
import { desk, type DeskOrder, type FulfilmentState } from '../../api-desk.ts';
import { useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { dateTime, spacedNumber } from '../../format.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { ConfirmAction } from '../../ui/confirm.tsx';
import { TextField } from '../../ui/field.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';
import { RowLabel } from './row-label.tsx';
import { parseIccid } from '../../../../src/domain/iccid.ts';

const STATES: FulfilmentState[] = ['paid', 'packing', 'shipped'];
export function FulfilmentPage() {
  const { t } = useI18n();
  const [state, setState] = useState<FulfilmentState>('paid');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const [done, setDone] = useState<string | null>(null);
  const { data, error } = useLoad(() => desk.orders(state, page), [state, page, tick], () => 15_000);
  const refresh = (message: string) => {
    setDone(message);
    setTick((n) => n + 1);
  };
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <section>
      <h1>{t('ful.title')}</h1>
      <p className="muted">{t('ful.lead')}</p>
      <div className="card">
        <div className="filters" role="group" aria-label={t('queue.filters')}>
          <div className="field">
            <label htmlFor="ful-state">{t('queue.state')}</label>
            <select id="ful-state" value={state} onChange={(e) => { setState(e.target.value as FulfilmentState); setPage(1); setDone(null); }}>
              {STATES.map((s) => <option key={s} value={s}>{t(`ful.state.${s}`)}</option>)}
            </select>
          </div>
        </div>
        {done && <Notice tone="success">{done}</Notice>}
        {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
        {!data && !error && <Loading label={t('common.loading')} />}
        {data && data.orders.length === 0 && <Empty title={t('ful.empty')} />}
        {data && data.orders.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('ful.number')}</th><th scope="col">{t('ful.plan')}</th><th scope="col">{t('ful.contact')}</th>
                  <th scope="col">{t('ful.address')}</th><th scope="col">{t('ful.since')}</th><th scope="col"><span className="sr-only">{t('queue.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {data.orders.map((o) => (
                  <tr key={o.id} data-order={o.id}>
                    <td>{spacedNumber(o.number)}<br /><span className="muted">{o.id}</span></td>
                    <td>{o.plan.name}</td>
                    <td>{o.contactName}<br /><span className="muted">{o.contactPhone}</span></td>
                    <td>{`${o.address.province} ${o.address.city} ${o.address.district}`}<br /><span className="muted">{o.address.detail}</span></td>
                    <td>{dateTime(o.paidAt ?? o.updatedAt)}</td>
                    <td><Actions o={o} onDone={refresh} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data && pages > 1 && (
          <nav className="row-actions" aria-label={t('ful.pages')}>
            <Button variant="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>{t('ful.prev')}</Button>
            <span>{t('ful.page', { page, pages })}</span>
            <Button variant="secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>{t('ful.next')}</Button>
          </nav>
        )}
      </div>
    </section>
  );
}

function Actions({ o, onDone }: { o: DeskOrder; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const open = ['under_review', 'intercepting'].includes(o.cancellation.progress?.stage ?? '');
  const number = spacedNumber(o.number);
  if (open) return <Badge tone="amber">{t('ful.openRequest')}</Badge>;
  if (o.state === 'paid') {
    return (
      <div className="row-actions">
        {o.pickedAt ? <span className="muted">{t('ful.iccidShown', { iccid: o.iccid ?? '' })}</span> : <Pick o={o} onDone={onDone} />}
        <ConfirmAction disabled={!o.pickedAt} variant="secondary" label={<RowLabel short={t('ful.packShort')} full={t('ful.pack', { number })} />} title={t('desk.startPacking.title')} confirmLabel={t('desk.startPacking')}
          act={async (key) => { const r = await desk.startPacking(o.id, key); onDone(t('ful.packed', { number })); return r; }}>
          <p>{t('desk.startPacking.text')}</p>
        </ConfirmAction>
      </div>
    );
  }
  if (o.state === 'packing') {
    return (
      <ConfirmAction label={<RowLabel short={t('ful.handShort')} full={t('ful.hand', { number })} />} title={t('ful.hand.title')} confirmLabel={t('ful.hand.confirm')}
        act={async (key) => { const r = await desk.handToCourier(o.id, key); onDone(t('ful.handed', { number, tracking: r.trackingNo ?? '' })); return r; }}>
        <p>{t('ful.hand.text')}</p>
      </ConfirmAction>
    );
  }
  return <span className="muted">{o.trackingNo ? t('ful.tracking', { no: o.trackingNo }) : '—'}</span>;
}

function Pick({ o, onDone }: { o: DeskOrder; onDone: (message: string) => void }) {
  const { t } = useI18n();
  const [iccid, setIccid] = useState('');
  const [invalid, setInvalid] = useState<'format' | 'check' | null>(null);
  const number = spacedNumber(o.number);
  return (
    <ConfirmAction variant="secondary" label={<RowLabel short={t('ful.pickShort')} full={t('ful.pick', { number })} />} title={t('ful.pick.title')} confirmLabel={t('ful.pick.confirm')}
      act={async (key) => {
        // The server's own check, shared: the form and the server can never disagree on a card number.
        const v = parseIccid(iccid);
        const problem = typeof v === 'string' ? null : v.details?.reason === 'FORMAT' ? 'format' : 'check';
        setInvalid(problem);
        if (typeof v !== 'string') return false;
        const r = await desk.pick(o.id, v, key);
        onDone(t('ful.picked', { number }));
        return r;
      }}>
      <p>{t('ful.pick.text', { number })}</p>
      <TextField label={t('ful.iccid')} value={iccid} inputMode="numeric" autoComplete="off" maxLength={24} hint={t('ful.iccid.hint')}
        error={invalid === 'format' ? t('ful.iccid.invalid') : invalid === 'check' ? t('error.FULFILMENT.INVALID_ICCID') : null} onChange={(e) => setIccid(e.target.value)} />
    </ConfirmAction>
  );
}
