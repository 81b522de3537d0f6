// The supervisor's desk: requests escalated for their review SLA (most escalated and most overdue first), each
// reassignable to an agent who serves its queue, and the SLA report over a date range in plain figures.
import { useState } from 'react';
import type { RequestView, SlaReport } from '../../api.ts';
import { api } from '../../api.ts';
import { desk, type DeskAgent } from '../../api-desk.ts';
import { useLoad, useNow } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { dateTime, spacedNumber } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.ts';
import { Button } from '../../ui/button.tsx';
import { ConfirmAction } from '../../ui/confirm.tsx';
import { TextField } from '../../ui/field.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';
import { reasonLabel } from '../customer/order/apply-cancel.tsx';
import { RequestBadges, TimeLeft } from './queue.tsx';
import { RowLabel } from './row-label.tsx';

const DAY = 86_400_000;
const BEIJING = 8 * 3_600_000;
const ymd = (ms: number) => new Date(ms + BEIJING).toISOString().slice(0, 10);
const startOf = (d: string) => Date.parse(`${d}T00:00:00+08:00`);

export function SupervisorPage() {
  const { t } = useI18n();
  const me = useSession('staff');
  return (
    <section>
      <h1>{t('sup.title')}</h1>
      <p className="muted">{t('sup.lead')}</p>
      {me?.agent.role === 'supervisor' ? <Escalations /> : <Notice tone="info">{t('sup.onlySupervisors')}</Notice>}
      <SlaSection />
    </section>
  );
}

function Escalations() {
  const { t } = useI18n();
  const now = useNow();
  const [tick, setTick] = useState(0);
  const list = useLoad(() => desk.escalations(), [tick], () => 15_000);
  const agents = useLoad(() => desk.agents(), []);
  return (
    <section className="card" aria-labelledby="sup-esc">
      <h2 id="sup-esc">{t('sup.escalations')}</h2>
      {list.error ? <Notice tone="error">{errorText(t, list.error)}</Notice> : null}
      {!list.data && !list.error && <Loading label={t('common.loading')} />}
      {list.data && list.data.requests.length === 0 && <Empty title={t('sup.escalations.empty')} />}
      {list.data && list.data.requests.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('queue.timeLeft')}</th><th scope="col">{t('queue.request')}</th><th scope="col">{t('queue.reason')}</th>
                <th scope="col">{t('queue.flags')}</th><th scope="col">{t('queue.assignee')}</th><th scope="col"><span className="sr-only">{t('queue.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.requests.map((q) => (
                <tr key={q.id} data-request={q.id}>
                  <td><TimeLeft q={q} now={now} /><br /><span className="muted">{dateTime(q.dueAt)}</span></td>
                  <td><Link to={`/staff/requests/${encodeURIComponent(q.id)}`}>{q.staff?.order ? spacedNumber(q.staff.order.number) : q.orderId}</Link></td>
                  <td>{reasonLabel(t, q.reasonCode)}</td>
                  <td><RequestBadges q={q} t={t} /></td>
                  <td>{assigneeName(q, agents.data?.agents) ?? <span className="muted">{t('queue.unassigned')}</span>}</td>
                  <td><Reassign q={q} agents={agents.data?.agents ?? []} onDone={() => setTick((n) => n + 1)} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const assigneeName = (q: RequestView, agents: DeskAgent[] | undefined) => {
  const id = q.staff?.assigneeId;
  if (!id) return null;
  return agents?.find((a) => a.id === id)?.displayName ?? id;
};

/** Only agents of the request's queue (and supervisors) can take it; the list offers just those. */
function Reassign({ q, agents, onDone }: { q: RequestView; agents: DeskAgent[]; onDone: () => void }) {
  const { t } = useI18n();
  const fits = agents.filter((a) => a.role === 'supervisor' || a.group === (q.staff?.queue ?? 'standard')).filter((a) => a.id !== q.staff?.assigneeId);
  const [agentId, setAgentId] = useState('');
  const [missing, setMissing] = useState(false);
  const selectId = `reassign-${q.id}`;
  return (
    <ConfirmAction variant="secondary" label={<RowLabel short={t('sup.reassign')} full={t('sup.reassignNamed', { number: q.staff?.order ? spacedNumber(q.staff.order.number) : q.orderId })} />} title={t('sup.reassign.title')} confirmLabel={t('sup.reassign.confirm')}
      act={async (key) => {
        if (!agentId) {
          setMissing(true);
          return false;
        }
        setMissing(false);
        const r = await desk.assign(q.id, agentId, key);
        onDone();
        return r;
      }}>
      <p>{t('sup.reassign.text', { number: q.staff?.order ? spacedNumber(q.staff.order.number) : q.orderId })}</p>
      <div className={`field ${missing ? 'field-invalid' : ''}`}>
        <label htmlFor={selectId}>{t('sup.reassign.to')}</label>
        <select id={selectId} value={agentId} onChange={(e) => setAgentId(e.target.value)} aria-invalid={missing || undefined} aria-describedby={missing ? `${selectId}-error` : undefined}>
          <option value="">{t('sup.reassign.choose')}</option>
          {fits.map((a) => <option key={a.id} value={a.id}>{a.displayName} · {t(`sup.group.${a.group === 'priority' ? 'priority' : 'standard'}`)}</option>)}
        </select>
        {missing && <p className="field-error" id={`${selectId}-error`}>{t('sup.reassign.missing')}</p>}
      </div>
    </ConfirmAction>
  );
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);

function SlaSection() {
  const { t } = useI18n();
  const today = ymd(Date.now());
  const [range, setRange] = useState({ from: ymd(Date.now() - 6 * DAY), to: today });
  const [draft, setDraft] = useState(range);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const { data, error } = useLoad(() => api.staff.slaReport(startOf(range.from), startOf(range.to) + DAY), [range.from, range.to]);
  const apply = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.from) || !/^\d{4}-\d{2}-\d{2}$/.test(draft.to) || draft.from > draft.to) return setRangeError(t('dash.range.invalid'));
    setRangeError(null);
    setRange(draft);
  };
  return (
    <section className="card" aria-labelledby="sup-sla">
      <h2 id="sup-sla">{t('sup.sla')}</h2>
      <p className="muted">{t('sup.sla.lead')}</p>
      <div className="filters" role="group" aria-label={t('dash.range')}>
        <TextField label={t('dash.from')} type="date" value={draft.from} max={today} onChange={(e) => setDraft({ ...draft, from: e.target.value })} error={rangeError} />
        <TextField label={t('dash.to')} type="date" value={draft.to} max={today} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        <Button onClick={apply}>{t('dash.apply')}</Button>
      </div>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      {data && <SlaFigures r={data} />}
    </section>
  );
}

/** Time to a decision as people say it: 3 小时 20 分 / 3 h 20 min. */
function duration(t: ReturnType<typeof useI18n>['t'], ms: number | null): string {
  if (ms === null) return '—';
  const m = Math.round(ms / 60_000);
  return m >= 60 ? t('sup.hm', { h: Math.floor(m / 60), m: m % 60 }) : t('sup.m', { m });
}

function SlaFigures({ r }: { r: SlaReport }) {
  const { t } = useI18n();
  const breaches = r.reviewedLate + r.openOverdue;
  const queues = Object.entries(r.byQueue);
  return (
    <>
      <div className="kpis" data-testid="sla-figures">
        <div className="kpi"><span className="muted">{t('sup.compliance')}</span><strong>{pct(r.withinSlaRate)}</strong><span className="muted">{t('sup.compliance.of', { n: r.reviewedWithinSla, total: r.reviewed })}</span></div>
        <div className="kpi"><span className="muted">{t('sup.breaches')}</span><strong>{breaches}</strong><span className="muted">{t('sup.breaches.split', { late: r.reviewedLate, open: r.openOverdue })}</span></div>
        <div className="kpi"><span className="muted">{t('sup.meanDecision')}</span><strong>{duration(t, r.meanReviewMs)}</strong></div>
        <div className="kpi"><span className="muted">{t('sup.opened')}</span><strong>{r.opened}</strong><span className="muted">{t('sup.opened.express', { n: r.express })}</span></div>
        <div className="kpi"><span className="muted">{t('sup.open')}</span><strong>{r.open}</strong></div>
        <div className="kpi"><span className="muted">{t('sup.escalatedCounts')}</span><strong>{r.escalatedAtWarning + r.escalatedAtBreach}</strong><span className="muted">{t('sup.escalated.split', { warning: r.escalatedAtWarning, breach: r.escalatedAtBreach })}</span></div>
      </div>
      {queues.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('sup.byQueue')}</caption>
            <thead><tr><th scope="col">{t('sup.queue')}</th><th scope="col">{t('sup.opened')}</th><th scope="col">{t('sup.reviewed')}</th><th scope="col">{t('dash.late')}</th><th scope="col">{t('sup.open')}</th><th scope="col">{t('dash.openOverdue')}</th></tr></thead>
            <tbody>
              {queues.map(([k, v]) => (
                <tr key={k}><th scope="row">{t(`sup.group.${k === 'priority' ? 'priority' : 'standard'}`)}</th><td>{v.opened}</td><td>{v.reviewed}</td><td>{v.reviewedLate}</td><td>{v.open}</td><td>{v.openOverdue}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
