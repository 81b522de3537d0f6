// One batch: its cards with a state filter, the CSV of ICCIDs and numbers, payment, activation, and a cancellation
// previewed by state and route before it is confirmed.
import { useEffect, useState } from 'react';
import { navigate } from '../../router.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { yuan, dataSize } from '../../format.ts';
import type { OrderState } from '../../api.ts';
import { Badge, type Tone } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { iotApi, useIotSession, type Preview, type Selection } from './api.ts';
import { useIotT, type IotKey } from './i18n.ts';
import { SimulatedCashier, simulatedCashier, type OpenedPayment } from './pay-panel.tsx';

const STATES: OrderState[] = ['pending_payment', 'paid', 'shipped', 'delivered', 'activated', 'cancelled', 'account_closed'];
const TONE: Record<string, Tone> = { cancellable: 'green', review_required: 'amber', not_cancellable: 'grey' };

export function BatchPage({ id }: { id: string }) {
  const { t, error } = useIotT();
  const me = useIotSession();
  const buyer = me?.staff.role === 'buyer';
  const [state, setState] = useState<OrderState | ''>('');
  const [cashier, setCashier] = useState<OpenedPayment | null>(null);
  // Paid in the channel, the batch waits for the channel's notification: the page follows until it arrives.
  const [awaitingNotice, setAwaitingNotice] = useState(false);
  const batch = useLoad(() => iotApi.batch(id), [id], (d) => (awaitingNotice && d?.state === 'pending_payment' ? 1000 : null));
  const cards = useLoad(() => iotApi.cards({ batchId: id, state: state || undefined }), [id, state, batch.data?.state]);
  // Plans and pools by name: the batch's line and the pools in the table and the preview read as the business named them.
  const plans = useLoad(() => iotApi.plans(), []);
  const pools = useLoad(() => iotApi.pools(), []);
  const poolName = (poolId: string) => pools.data?.find((p) => p.id === poolId)?.name ?? poolId;
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [preview, setPreview] = useState<{ selection: Selection; preview: Preview } | null>(null);
  const action = useAction();

  const download = () => action.run(async () => {
    const csv = await iotApi.csv(id);
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${id}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  });
  const pay = () => action.run(async (key) => {
    const p = await iotApi.pay(id, key);
    if (simulatedCashier(p.payUrl)) setCashier(p);
    else window.location.assign(p.payUrl);
  });
  const paid = () => {
    setCashier(null);
    setAwaitingNotice(true);
  };
  // Setting the data again starts the poll under the new rule (useLoad polls on what `every` says after a load).
  useEffect(() => {
    if (awaitingNotice && batch.data) batch.setData(batch.data);
  }, [awaitingNotice]);
  const activate = (selection: Selection) => action.run(async (key) => {
    const job = await iotApi.activate(selection, key);
    navigate(`/iot/jobs/${job.id}`);
  });
  const showPreview = (selection: Selection) => action.run(async () => setPreview({ selection, preview: await iotApi.preview(selection) }));
  const confirm = () => preview && action.run(async (key) => {
    const c = await iotApi.confirm(preview.selection, { cards: preview.preview.totals.cards, refundFen: preview.preview.totals.refundFen, penaltyFen: preview.preview.totals.penaltyFen }, key);
    navigate(`/iot/cancellations/${c.id}`);
  });
  const toggle = (iccid: string) => setChosen((s) => {
    const next = new Set(s);
    if (next.has(iccid)) next.delete(iccid);
    else next.add(iccid);
    return next;
  });

  if (!batch.data) return batch.error !== null ? <Notice tone="error">{error(batch.error)}</Notice> : <Loading label={t('loading')} />;
  const b = batch.data;
  const picked = [...chosen];
  return (
    <>
      <h1>{t('batch.title', { id: b.id })}</h1>
      <p>{plans.data?.find((p) => p.id === b.planId)?.name ?? b.planId} · {b.quantity} · {yuan(b.amountFen)} · {t(`state.${b.state}` as IotKey)}</p>
      {action.error !== null && <Notice tone="error">{error(action.error)}</Notice>}
      <div className="row-actions" style={{ marginBottom: '1rem' }}>
        <Button variant="secondary" onClick={download}>{t('batch.csv')}</Button>
        {buyer && !cashier && b.state === 'pending_payment' && b.paymentMethod !== 'bank_transfer' && <Button onClick={pay}>{t('batches.pay')}</Button>}
        {buyer && (b.cards.delivered ?? 0) > 0 && <Button onClick={() => activate({ batchId: id })}>{t('batch.activate')}</Button>}
        {buyer && picked.length > 0 && <Button variant="secondary" onClick={() => activate({ iccids: picked })}>{t('batch.activateChosen')}</Button>}
        {buyer && picked.length > 0 && <Button variant="danger-outline" onClick={() => showPreview({ iccids: picked })}>{t('batch.cancelChosen')}</Button>}
        {buyer && <Button variant="danger-outline" onClick={() => showPreview({ batchId: id, ...(state ? { states: [state] } : {}) })}>{t('batch.cancelAll')}</Button>}
      </div>
      {cashier && <SimulatedCashier opened={cashier} onPaid={paid} onClose={() => setCashier(null)} />}
      {preview && <PreviewPanel preview={preview.preview} poolName={poolName} busy={action.busy} onConfirm={confirm} onClose={() => setPreview(null)} />}
      <div className="field">
        <label htmlFor="iot-state">{t('batch.filter')}</label>
        <select id="iot-state" value={state} onChange={(e) => setState(e.target.value as OrderState | '')}>
          <option value="">{t('batch.all')}</option>
          {STATES.map((s) => <option key={s} value={s}>{t(`state.${s}`)} ({b.cards[s] ?? 0})</option>)}
        </select>
      </div>
      {!cards.data ? <Loading label={t('loading')} /> : (
        <table className="table">
          <thead><tr><th>{t('batch.choose')}</th><th>{t('col.iccid')}</th><th>{t('col.msisdn')}</th><th>{t('col.state')}</th><th>{t('col.share')}</th><th>{t('col.parcel')}</th><th>{t('col.pool')}</th></tr></thead>
          <tbody>
            {cards.data.cards.map((c) => (
              <tr key={c.id}>
                <td><input type="checkbox" aria-label={c.iccid} checked={chosen.has(c.iccid)} onChange={() => toggle(c.iccid)} /></td>
                <td>{c.iccid}</td>
                <td>{c.msisdn}</td>
                <td>{t(`state.${c.state}`)}{c.pendingReturn && <> · {t(`route.${c.pendingReturn}` as IotKey)}</>}</td>
                <td>{yuan(c.shareFen)}</td>
                <td>{c.trackingNo ?? ''}</td>
                <td>{c.poolId ? poolName(c.poolId) : ''}{c.dataStopped && <> · {t('pools.stopped')}</>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function PreviewPanel({ preview, poolName, busy, onConfirm, onClose }: { preview: Preview; poolName: (id: string) => string; busy: boolean; onConfirm: () => void; onClose: () => void }) {
  const { t } = useIotT();
  const p = preview;
  return (
    <section className="card" aria-label={t('preview.title')}>
      <h2>{t('preview.title')}</h2>
      <ul className="list">
        {p.groups.map((g) => (
          <li key={`${g.state}-${g.route}`}>
            <Badge tone={TONE[g.label] ?? 'grey'}>{g.labelText}</Badge>{' '}
            <strong>{t('preview.group', { state: t(`state.${g.state}`), route: t(`route.${g.route}`) })}</strong>{' '}
            {t('preview.cards', { n: g.cards })}
            {g.refundFen > 0 && <> · {t('preview.refund')} {yuan(g.refundFen)}</>}
            {g.penaltyFen > 0 && <> · {t('preview.penalty')} {yuan(g.penaltyFen)}</>}
          </li>
        ))}
      </ul>
      <p>{t('preview.totals', { cards: p.totals.cards, refund: yuan(p.totals.refundFen), now: yuan(p.totals.refundNowFen), later: yuan(p.totals.refundOnReceiptFen), penalty: yuan(p.totals.penaltyFen) })}</p>
      {p.pools.map((x) => <p key={x.poolId}>{t('preview.pool', { id: poolName(x.poolId), before: dataSize(x.before.quotaMb), after: dataSize(x.after.quotaMb), feeBefore: yuan(x.before.monthlyFeeFen), feeAfter: yuan(x.after.monthlyFeeFen) })}</p>)}
      {p.returnInstructions && <Notice tone="info">{p.returnInstructions}</Notice>}
      {p.needsReview && <Notice tone="warning">{t('preview.review')}</Notice>}
      {p.busyIccids.length > 0 && <Notice tone="warning">{t('preview.busy', { n: p.busyIccids.length })}</Notice>}
      <div className="row-actions">
        <Button variant="danger" busy={busy} onClick={onConfirm} disabled={p.totals.affected === 0}>{t('preview.confirm')}</Button>
        <Button variant="ghost" onClick={onClose}>{t('preview.close')}</Button>
      </div>
    </section>
  );
}
