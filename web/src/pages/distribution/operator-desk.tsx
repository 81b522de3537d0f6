// The operators' distribution desk: per-distributor figures with flags, undelivered push-backs with a button to send
// again, withdrawals to approve or reject, and settlement runs with their CSV.
import { useState } from 'react';
import { call } from '../../api.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { errorText, isKey, useI18n } from '../../i18n/index.ts';
import { dateTime, yuan } from '../../format.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { DistributionSetup } from './operator-setup.tsx';
import './distribution.css';

interface Stats {
  platform: { paid: number; cancellationRate: number };
  distributors: { id: string; name: string; level: number; state: string; orders: number; paid: number; activationRate: number; firstTopUpRate: number; cancellationRate: number; reasons: { code: string; n: number }[]; commissions: Record<string, number>; flagged: boolean }[];
}
interface Push { id: number; distributorId: string; orderId: string; state: string; attempts: number; lastError: string | null; createdAt: number }
interface Withdrawal { id: string; distributor_id: string; amount_fen: number; requested_at: number }
interface Settlement { runId: string; created: boolean; lines: number; amountFen: number; csv: string }

const staff = { area: 'staff' as const };
const desk = {
  stats: () => call<Stats>('GET', '/api/v1/operator/distributors', staff),
  pushes: () => call<{ pushes: Push[] }>('GET', '/api/v1/operator/distributor-pushes?state=undelivered', staff),
  resend: (id: number, key: string) => call<{ state: string }>('POST', `/api/v1/operator/distributor-pushes/${id}/resend`, { ...staff, key }),
  withdrawals: () => call<{ withdrawals: Withdrawal[] }>('GET', '/api/v1/operator/withdrawals', staff),
  decide: (id: string, body: { approve: boolean; payoutRef?: string; note?: string }, key: string) => call<unknown>('POST', `/api/v1/operator/withdrawals/${encodeURIComponent(id)}/decision`, { ...staff, body, key }),
  setState: (id: string, state: 'active' | 'suspended', key: string) => call<unknown>('POST', `/api/v1/operator/distributors/${encodeURIComponent(id)}/state`, { ...staff, body: { state }, key }),
  settle: (runId: string, key: string) => call<Settlement>('POST', '/api/v1/operator/commission-settlements', { ...staff, body: { runId }, key }),
};

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function DistributionDeskPage() {
  const { t } = useI18n();
  const stats = useLoad(desk.stats, []);
  const pushes = useLoad(desk.pushes, []);
  const withdrawals = useLoad(desk.withdrawals, []);
  const act = useAction();
  const [runId, setRunId] = useState(() => new Date(Date.now() + 8 * 3_600_000 - 28 * 86_400_000).toISOString().slice(0, 7));
  const [run, setRun] = useState<Settlement | null>(null);
  const [payoutRef, setPayoutRef] = useState<Record<string, string>>({});
  // A reason is the customer's own (a cancellation or return request) or, for an order that ended without one, how it ended.
  const reason = (code: string) => {
    const key = [`cancelReason.${code}`, `dist.closed.${code}`, `state.${code}`].find(isKey);
    return key ? t(key) : code;
  };

  const csvHref = run ? `data:text/csv;charset=utf-8,${encodeURIComponent(run.csv)}` : null;
  return (
    <section>
      <h1>{t('distDesk.title')}</h1>
      {act.error ? <Notice tone="error">{errorText(t, act.error)}</Notice> : null}
      {!stats.data ? <Loading label={t('common.loading')} /> : (
        <div className="table-wrap">
          <p>{t('distDesk.platform', { paid: stats.data.platform.paid, rate: pct(stats.data.platform.cancellationRate) })}</p>
          <table className="table" data-testid="distributor-stats">
            <thead><tr>
              <th>{t('distDesk.col.distributor')}</th><th>{t('distDesk.col.orders')}</th><th>{t('distDesk.col.activated')}</th><th>{t('distDesk.col.topUp')}</th>
              <th>{t('distDesk.col.cancelled')}</th><th>{t('distDesk.col.reasons')}</th><th>{t('distDesk.col.commissions')}</th><th />
            </tr></thead>
            <tbody>
              {stats.data.distributors.map((d) => (
                <tr key={d.id} className={d.flagged ? 'row-flagged' : undefined}>
                  <td>{d.name} · <code>{d.id}</code> · L{d.level}{d.state !== 'active' ? ` · ${d.state}` : ''}{d.flagged ? ` ⚠ ${t('distDesk.flagged')}` : ''}</td>
                  <td>{d.orders}/{d.paid}</td><td>{pct(d.activationRate)}</td><td>{pct(d.firstTopUpRate)}</td><td>{pct(d.cancellationRate)}</td>
                  <td>{d.reasons.slice(0, 3).map((r) => `${reason(r.code)} ×${r.n}`).join('，')}</td>
                  <td>{['pending', 'eligible', 'settled', 'paid_out'].map((b) => yuan(d.commissions[b] ?? 0)).join(' / ')}</td>
                  <td><Button variant="secondary" busy={act.busy} onClick={async () => { if (await act.run((key) => desk.setState(d.id, d.state === 'active' ? 'suspended' : 'active', key))) stats.setData(await desk.stats()); }}>{t(d.state === 'active' ? 'distDesk.suspend' : 'distDesk.reactivate')}</Button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <DistributionSetup onChanged={async () => stats.setData(await desk.stats())} />

      <h2>{t('distDesk.settle.title')}</h2>
      <div className="card form">
        <TextField label={t('distDesk.settle.run')} value={runId} onChange={(e) => setRunId(e.target.value)} />
        <Button busy={act.busy} onClick={async () => { const r = await act.run((key) => desk.settle(runId.trim(), key)); if (r) { setRun(r); stats.setData(await desk.stats()); } }}>{t('distDesk.settle.submit')}</Button>
        {run ? <p>{run.created ? (t('distDesk.settle.done')) : (t('distDesk.settle.again'))}: {run.lines} · {yuan(run.amountFen)} · {csvHref ? <a href={csvHref} download={`commissions-${run.runId}.csv`}>CSV</a> : null}</p> : null}
      </div>

      <h2>{t('distDesk.withdrawals.title')}</h2>
      {withdrawals.data?.withdrawals.length === 0 ? <p>{t('distDesk.withdrawals.none')}</p> : null}
      <ul className="card-list">
        {withdrawals.data?.withdrawals.map((w) => (
          <li className="card" key={w.id}>
            <div>{w.distributor_id} · {yuan(w.amount_fen)} · {dateTime(w.requested_at)}</div>
            <TextField label={t('distDesk.withdrawals.payoutRef')} value={payoutRef[w.id] ?? ''} onChange={(e) => setPayoutRef({ ...payoutRef, [w.id]: e.target.value })} />
            <Button busy={act.busy} onClick={async () => { if (await act.run((key) => desk.decide(w.id, { approve: true, payoutRef: (payoutRef[w.id] ?? '').trim() }, key))) withdrawals.setData(await desk.withdrawals()); }}>{t('distDesk.withdrawals.approve')}</Button>
            <Button variant="secondary" busy={act.busy} onClick={async () => { if (await act.run((key) => desk.decide(w.id, { approve: false, note: 'rejected at the desk' }, key))) withdrawals.setData(await desk.withdrawals()); }}>{t('distDesk.withdrawals.reject')}</Button>
          </li>
        ))}
      </ul>

      <h2>{t('distDesk.pushes.title')}</h2>
      {pushes.data?.pushes.length === 0 ? <p>{t('distDesk.pushes.none')}</p> : null}
      <ul className="card-list">
        {pushes.data?.pushes.map((p) => (
          <li className="card" key={p.id} data-testid="undelivered-push">
            <div>{p.orderId} → {p.distributorId} · {p.attempts}× · {p.lastError ?? ''} · {dateTime(p.createdAt)}</div>
            <Button busy={act.busy} onClick={async () => { if (await act.run((key) => desk.resend(p.id, key))) pushes.setData(await desk.pushes()); }}>{t('distDesk.pushes.resend')}</Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
