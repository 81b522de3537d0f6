// Traffic pools: quota (the sum of the members'), this month's use by day as bars, alerts, the over-quota setting.
import { useState, type FormEvent } from 'react';
import { useAction, useLoad } from '../../hooks.ts';
import { yuan, dataSize } from '../../format.ts';
import { Button } from '../../ui/button.tsx';
import { TextArea, TextField } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { iotApi, useIotSession, type Pool } from './api.ts';
import { useIotT } from './i18n.ts';

/** This month's use as one bar a day, every day of the month in its place, so that a single day does not fill the chart. */
function UsageBars({ pool }: { pool: Pool }) {
  const { t } = useIotT();
  const [y, m] = pool.month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const byDay = new Map(pool.daily.map((d) => [d.day, d.mb]));
  const bars = Array.from({ length: days }, (_, i) => {
    const day = `${pool.month}-${String(i + 1).padStart(2, '0')}`;
    return { day, mb: byDay.get(day) ?? 0 };
  });
  const max = Math.max(1, ...bars.map((d) => d.mb));
  return (
    <figure style={{ margin: 0 }}>
      <figcaption className="muted">{t('pools.daily', { month: pool.month, max: dataSize(max) })}</figcaption>
      <div role="img" aria-label={pool.daily.map((d) => `${d.day}: ${d.mb}MB`).join(', ')} style={{ display: 'flex', alignItems: 'flex-end', gap: 2, height: 80, borderBottom: '1px solid var(--line)' }}>
        {bars.map((d) => <div key={d.day} title={`${d.day} · ${dataSize(d.mb)}`} style={{ flex: 1, height: d.mb > 0 ? `${Math.max(2, (d.mb * 100) / max)}%` : 0, background: 'var(--accent, #2563eb)' }} />)}
      </div>
    </figure>
  );
}

export function PoolsPage() {
  const { t, error } = useIotT();
  const me = useIotSession();
  const pools = useLoad(() => iotApi.pools(), []);
  const [name, setName] = useState('');
  const [overQuota, setOverQuota] = useState<Pool['overQuota']>('stop');
  const [fee, setFee] = useState('0');
  const [iccids, setIccids] = useState('');
  const create = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run(async (key) => {
      const list = iccids.split(/[\s,]+/).filter(Boolean);
      const pool = await iotApi.createPool({ name, overQuota, overageFeePerGbFen: Math.round(Number(fee) * 100), ...(list.length ? { iccids: list } : {}) }, key);
      pools.setData([...(pools.data ?? []), pool]);
      setName('');
      setIccids('');
    });
  };
  return (
    <>
      <h1>{t('pools.title')}</h1>
      {pools.error !== null && <Notice tone="error">{error(pools.error)}</Notice>}
      {!pools.data ? <Loading label={t('loading')} /> : pools.data.length === 0 ? <p>{t('pools.empty')}</p> : pools.data.map((p) => (
        <section key={p.id} className="card">
          <h2>{p.name}</h2>
          <p>{t('pools.usage', { used: dataSize(p.usedMb), quota: dataSize(p.quotaMb), percent: p.percent })} · {p.members} · {yuan(p.monthlyFeeFen)}</p>
          <progress max={100} value={Math.min(100, p.percent)} style={{ width: '100%' }} aria-label={`${p.percent}%`} />
          {p.dataStopped && <Notice tone="warning">{t('pools.stopped')}</Notice>}
          {p.overage.feeFen > 0 && <p>{t('pools.overage', { fee: yuan(p.overage.feeFen) })}</p>}
          {p.alerts.length > 0 && <p>{t('pools.alerts', { levels: p.alerts.map((a) => `${a.level}%`).join(' · ') })}</p>}
          <UsageBars pool={p} />
        </section>
      ))}
      {me?.staff.role === 'buyer' && (
        <form className="card" onSubmit={submit}>
          <h2>{t('pools.create')}</h2>
          {create.error !== null && <Notice tone="error">{error(create.error)}</Notice>}
          <TextField label={t('pools.name')} value={name} onChange={(e) => setName(e.target.value)} required maxLength={60} />
          <div className="field">
            <label htmlFor="iot-over">{t('pools.overQuota')}</label>
            <select id="iot-over" value={overQuota} onChange={(e) => setOverQuota(e.target.value as Pool['overQuota'])}>
              <option value="stop">{t('pools.stop')}</option>
              <option value="overage_fee">{t('pools.fee')}</option>
            </select>
          </div>
          {overQuota === 'overage_fee' && <TextField label={t('pools.feePerGb')} type="number" min={0} step="0.01" value={fee} onChange={(e) => setFee(e.target.value)} />}
          <TextArea label={t('pools.iccids')} value={iccids} onChange={(e) => setIccids(e.target.value)} />
          <Button type="submit" busy={create.busy}>{t('pools.create')}</Button>
        </form>
      )}
    </>
  );
}
