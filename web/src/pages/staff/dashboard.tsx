// The operator dashboard: cancellations by state and reason over time, manual vs timed-out closes, review SLA
// compliance, refund time to arrival by channel, the express-refund share. Plain SVG; a date range; CSV export.
import { useState } from 'react';
import { api, type DashboardReport } from '../../api.ts';
import { useLoad } from '../../hooks.ts';
import { errorText, isKey, useI18n, type T } from '../../i18n/index.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';
import { reasonLabel } from '../customer/order/apply-cancel.tsx';

const DAY = 86_400_000;
const BEIJING = 8 * 3_600_000;
const STATE_COLOURS: Record<string, string> = { pending_payment: '#8fa3ab', paid: '#0f6d66', packing: '#c58a1a', shipped: '#24549e', delivered: '#7b4bb0', activated: '#b8322a' };
const ymd = (ms: number) => new Date(ms + BEIJING).toISOString().slice(0, 10);
/** Midnight Beijing time of a YYYY-MM-DD. */
const startOf = (d: string) => Date.parse(`${d}T00:00:00+08:00`);
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

function stateWord(t: T, s: string) {
  const k = `state.${s}`;
  return isKey(k) ? t(k) : s;
}

export function DashboardPage() {
  const { t } = useI18n();
  const today = ymd(Date.now());
  const [range, setRange] = useState({ from: ymd(Date.now() - 29 * DAY), to: today });
  const [draft, setDraft] = useState(range);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const { data, error } = useLoad(() => api.staff.report(startOf(range.from), startOf(range.to) + DAY), [range.from, range.to]);

  const apply = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.from) || !/^\d{4}-\d{2}-\d{2}$/.test(draft.to) || draft.from > draft.to) return setRangeError(t('dash.range.invalid'));
    setRangeError(null);
    setRange(draft);
  };

  return (
    <section>
      <h1>{t('staff.nav.dashboard')}</h1>
      <p className="muted">{t('staff.dashboard.lead')}</p>
      <div className="card filters" role="group" aria-label={t('dash.range')}>
        <TextField label={t('dash.from')} type="date" value={draft.from} max={today} onChange={(e) => setDraft({ ...draft, from: e.target.value })} error={rangeError} />
        <TextField label={t('dash.to')} type="date" value={draft.to} max={today} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        <Button onClick={apply}>{t('dash.apply')}</Button>
        {data && <Button variant="secondary" onClick={() => download(t, data, range)}>{t('dash.csv')}</Button>}
      </div>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && <Report data={data} />}
    </section>
  );
}

function Report({ data }: { data: DashboardReport }) {
  const { t } = useI18n();
  const states = Object.keys(data.byState);
  const reasons = Object.entries(data.byReason).sort((a, b) => b[1] - a[1]);
  const channels = Object.entries(data.refunds.byChannel);
  return (
    <>
      <div className="kpis">
        <Kpi label={t('dash.cancelled')} value={String(data.totals.cancelled)} />
        <Kpi label={t('dash.manual')} value={String(data.totals.manual)} />
        <Kpi label={t('dash.timedOut')} value={String(data.totals.timedOut)} />
        <Kpi label={t('dash.slaRate')} value={pct(data.sla.withinSlaRate)} />
        <Kpi label={t('dash.openOverdue')} value={String(data.sla.openOverdue)} />
        <Kpi label={t('dash.expressShare')} value={pct(data.refunds.expressShare)} />
      </div>
      <div className="charts">
        <section className="card chart" aria-labelledby="c-days">
          <h2 id="c-days">{t('dash.byDay')}</h2>
          {data.totals.cancelled === 0 ? <Empty title={t('staff.dashboard.empty')} /> : <DayChart data={data} />}
          <p className="row-actions">{states.map((s) => <span key={s}><span aria-hidden="true" style={{ color: STATE_COLOURS[s] ?? '#56616a' }}>■</span> {stateWord(t, s)} {data.byState[s]}</span>)}</p>
        </section>
        <section className="card chart" aria-labelledby="c-reasons">
          <h2 id="c-reasons">{t('dash.byReason')}</h2>
          {reasons.length === 0 ? <Empty title={t('staff.dashboard.empty')} /> : <Bars rows={reasons.map(([k, v]) => ({ label: reasonLabel(t, k), value: v }))} />}
        </section>
        <section className="card chart" aria-labelledby="c-closes">
          <h2 id="c-closes">{t('dash.manualVsTimeout')}</h2>
          <Bars rows={[{ label: t('dash.manual'), value: data.totals.manual }, { label: t('dash.timedOut'), value: data.totals.timedOut, colour: '#8fa3ab' }]} />
        </section>
        <section className="card chart" aria-labelledby="c-sla">
          <h2 id="c-sla">{t('dash.sla')}</h2>
          <Bars rows={[
            { label: t('dash.withinSla'), value: data.sla.withinSla },
            { label: t('dash.late'), value: data.sla.late, colour: '#b8322a' },
            { label: t('dash.open'), value: data.sla.open, colour: '#c58a1a' },
            { label: t('dash.express'), value: data.sla.express, colour: '#24549e' },
          ]} />
        </section>
        <section className="card chart" aria-labelledby="c-refunds">
          <h2 id="c-refunds">{t('dash.refundTime')}</h2>
          {channels.length === 0 ? <Empty title={t('staff.dashboard.empty')} />
            : <Bars unit={t('dash.hours')} rows={channels.map(([ch, c]) => ({ label: `${t(`channel.${ch as 'alipay'}`)} (${c.arrived})`, value: c.meanHoursToArrival ?? 0 }))} />}
        </section>
      </div>
    </>
  );
}

function Kpi({ label, value }: { label: string; value: string }) {
  return <div className="kpi"><span className="muted">{label}</span><strong>{value}</strong></div>;
}

/** Cancellations per day, stacked by the state the order was in; the table under it says the same in words. */
function DayChart({ data }: { data: DashboardReport }) {
  const { t } = useI18n();
  const W = 440, H = 160, pad = 24;
  const totals = data.days.map((d) => Object.values(d.byState).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const bw = (W - pad) / data.days.length;
  return (
    <svg viewBox={`0 0 ${W} ${H + 22}`} role="img" aria-label={t('dash.byDay')}>
      <line x1={pad} y1={H} x2={W} y2={H} stroke="#e1e6e8" />
      <text x={0} y={12}>{max}</text>
      {data.days.map((d, i) => {
        let y = H;
        return (
          <g key={d.date}>
            {Object.entries(d.byState).map(([s, n]) => {
              const h = (n / max) * (H - 10);
              y -= h;
              return <rect key={s} x={pad + i * bw + 1} y={y} width={Math.max(1, bw - 2)} height={h} fill={STATE_COLOURS[s] ?? '#56616a'}><title>{`${d.date} ${stateWord(t, s)}: ${n}`}</title></rect>;
            })}
            {(i === 0 || i === data.days.length - 1) && <text x={i === 0 ? pad : W} y={H + 16} textAnchor={i === 0 ? 'start' : 'end'}>{d.date.slice(5)}</text>}
          </g>
        );
      })}
    </svg>
  );
}

function Bars({ rows, unit = '' }: { rows: { label: string; value: number; colour?: string }[]; unit?: string }) {
  const W = 440, row = 28, labelW = 130;
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <svg viewBox={`0 0 ${W} ${rows.length * row + 4}`} role="img" aria-label={rows.map((r) => `${r.label} ${r.value}${unit}`).join(', ')}>
      {rows.map((r, i) => (
        <g key={r.label} transform={`translate(0 ${i * row})`}>
          <text x={0} y={16}>{r.label}</text>
          <rect x={labelW} y={4} width={Math.max(1, ((W - labelW - 60) * r.value) / max)} height={16} rx={3} fill={r.colour ?? '#0f6d66'} />
          <text x={labelW + ((W - labelW - 60) * r.value) / max + 6} y={16}>{`${r.value}${unit}`}</text>
        </g>
      ))}
    </svg>
  );
}

function download(t: T, d: DashboardReport, range: { from: string; to: string }) {
  const states = [...new Set(d.days.flatMap((x) => Object.keys(x.byState)))];
  const esc = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = [
    ['date', 'manual', 'timed_out', ...states.map((s) => `from_${s}`)].join(','),
    ...d.days.map((x) => [x.date, x.manual, x.timedOut, ...states.map((s) => x.byState[s] ?? 0)].map(esc).join(',')),
    '',
    'reason,count',
    ...Object.entries(d.byReason).map(([k, v]) => [k, v].map(esc).join(',')),
    '',
    'metric,value',
    ['sla_requests', d.sla.requests], ['sla_reviewed', d.sla.reviewed], ['sla_within', d.sla.withinSla], ['sla_late', d.sla.late], ['sla_open', d.sla.open],
    ['sla_open_overdue', d.sla.openOverdue], ['refunds', d.refunds.total], ['refunds_express', d.refunds.express],
    ...Object.entries(d.refunds.byChannel).map(([ch, c]) => [`refund_mean_hours_${ch}`, c.meanHoursToArrival ?? '']),
  ].map((l) => (Array.isArray(l) ? l.map(esc).join(',') : l));
  const url = URL.createObjectURL(new Blob([`\ufeff${lines.join('\n')}\n`], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `haoka-${t('dash.csvName')}-${range.from}-${range.to}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}
