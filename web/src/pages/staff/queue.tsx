// The agent console: cancellation requests by time left in the review SLA (urgent first), with escalation and
// priority-channel badges, filters and claim; and the assistant's hand-overs below.
import { useState } from 'react';
import { api, type RequestView } from '../../api.ts';
import { useAction, useLoad, useNow } from '../../hooks.ts';
import { errorText, useI18n, type T } from '../../i18n/index.ts';
import { countdown, dateTime, spacedNumber, yuan } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';
import { reasonLabel } from '../customer/order/apply-cancel.tsx';

const STATES = ['requested', 'approved', 'rejected', 'withdrawn', 'completed'] as const;

/** Time left as 5:12:30, "overdue 0:20:00" when past the due time. */
export function TimeLeft({ q, now }: { q: RequestView; now: number }) {
  const { t } = useI18n();
  if (q.state !== 'requested') return <span className="muted">—</span>;
  const left = q.dueAt - now;
  if (left < 0) return <span className="overdue">{t('queue.overdue', { time: countdown(-left) })}</span>;
  return <span className={left < 2 * 3_600_000 ? 'soon' : ''}>{countdown(left)}</span>;
}

export function RequestBadges({ q, t }: { q: RequestView; t: T }) {
  return (
    <>
      {q.urgent && <Badge tone="red">{t('request.urgent')}</Badge>}{' '}
      {q.staff?.queue === 'priority' && <Badge tone="blue">{t('queue.priority')}</Badge>}{' '}
      {(q.staff?.escalationLevel ?? 0) > 0 && <Badge tone="amber">{t(q.staff!.escalationLevel >= 2 ? 'queue.breached' : 'queue.escalated')}</Badge>}{' '}
      {q.identityVerified && <Badge tone="green">{t('queue.verified')}</Badge>}
    </>
  );
}

export function QueuePage() {
  const { t } = useI18n();
  const now = useNow();
  const [state, setState] = useState<string>('requested');
  const [flag, setFlag] = useState<string>('');
  const [assignee, setAssignee] = useState<string>('');
  const filters = { state, urgent: flag === 'urgent' ? 'true' : undefined, escalated: flag === 'escalated' ? 'true' : undefined, assignee: assignee || undefined };
  const { data, error, setData } = useLoad(() => api.staff.queue(filters), [state, flag, assignee], () => 15_000);
  const claiming = useAction();

  const claim = async (q: RequestView) => {
    const r = await claiming.run((key) => api.staff.claim(q.id, key));
    if (r && data) setData({ requests: data.requests.map((x) => (x.id === r.id ? r : x)) });
  };

  return (
    <section>
      <h1>{t('staff.nav.queue')}</h1>
      <p className="muted">{t('staff.queue.lead')}</p>
      <div className="card">
        <div className="filters" role="group" aria-label={t('queue.filters')}>
          <div className="field">
            <label htmlFor="f-state">{t('queue.state')}</label>
            <select id="f-state" value={state} onChange={(e) => setState(e.target.value)}>
              {STATES.map((s) => <option key={s} value={s}>{t(`requestState.${s}`)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-flag">{t('queue.show')}</label>
            <select id="f-flag" value={flag} onChange={(e) => setFlag(e.target.value)}>
              <option value="">{t('queue.all')}</option>
              <option value="urgent">{t('request.urgent')}</option>
              <option value="escalated">{t('queue.escalated')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-assignee">{t('queue.assignee')}</label>
            <select id="f-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
              <option value="">{t('queue.anyone')}</option>
              <option value="me">{t('queue.me')}</option>
              <option value="unassigned">{t('queue.unassigned')}</option>
            </select>
          </div>
        </div>
        {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
        {claiming.error ? <Notice tone="error">{errorText(t, claiming.error)}</Notice> : null}
        {!data && !error && <Loading label={t('common.loading')} />}
        {data && data.requests.length === 0 && <Empty title={t('staff.queue.empty')} />}
        {data && data.requests.length > 0 && (
          <div className="table-wrap">
            <table className="table queue-table">
              <thead>
                <tr>
                  <th scope="col">{t('queue.timeLeft')}</th><th scope="col">{t('queue.request')}</th><th scope="col">{t('queue.reason')}</th>
                  <th scope="col">{t('queue.amount')}</th><th scope="col">{t('queue.flags')}</th><th scope="col">{t('queue.assignee')}</th><th scope="col"><span className="sr-only">{t('queue.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {data.requests.map((q) => (
                  <tr key={q.id} data-request={q.id}>
                    <td><TimeLeft q={q} now={now} /><br /><span className="muted">{dateTime(q.dueAt)}</span></td>
                    <td>
                      <Link to={`/staff/requests/${encodeURIComponent(q.id)}`}>{q.staff?.order ? spacedNumber(q.staff.order.number) : q.orderId}</Link>
                      <br /><span className="muted">{t(`state.${q.orderStateAtRequest}`)} · {dateTime(q.createdAt)}</span>
                    </td>
                    <td>{reasonLabel(t, q.reasonCode)}{q.reasonText ? <><br /><span className="muted">{q.reasonText}</span></> : null}</td>
                    <td>{q.staff?.order ? yuan(q.staff.order.amountFen) : '—'}</td>
                    <td><RequestBadges q={q} t={t} /></td>
                    <td>{q.staff?.assigneeId ?? <span className="muted">{t('queue.unassigned')}</span>}</td>
                    <td><div className="row-actions">
                      {q.state === 'requested' && !q.staff?.assigneeId && <Button variant="secondary" onClick={() => claim(q)} busy={claiming.busy}>{t('queue.claim')}</Button>}
                      <Button variant="ghost" onClick={() => navigate(`/staff/requests/${encodeURIComponent(q.id)}`)}>{t('queue.open')}</Button>
                    </div></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <Tickets />
    </section>
  );
}

function Tickets() {
  const { t } = useI18n();
  const { data, error, setData } = useLoad(() => api.staff.tickets(), [], () => 15_000);
  const moving = useAction();
  const move = async (id: string, m: 'claim' | 'close') => {
    const r = await moving.run((key) => api.staff.moveTicket(id, m, key));
    if (r && data) setData({ tickets: data.tickets.map((x) => (x.id === r.id ? r : x)).filter((x) => x.status !== 'closed') });
  };
  return (
    <section className="card" aria-labelledby="tickets-title">
      <h2 id="tickets-title">{t('tickets.title')}</h2>
      <p className="muted">{t('tickets.lead')}</p>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {moving.error ? <Notice tone="error">{errorText(t, moving.error)}</Notice> : null}
      {data && data.tickets.length === 0 && <Empty title={t('tickets.empty')} />}
      {data && data.tickets.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">{t('tickets.when')}</th><th scope="col">{t('tickets.order')}</th><th scope="col">{t('tickets.summary')}</th><th scope="col">{t('tickets.status')}</th><th scope="col"><span className="sr-only">{t('queue.actions')}</span></th></tr></thead>
            <tbody>
              {data.tickets.map((k) => (
                <tr key={k.id}>
                  <td>{dateTime(k.createdAt)}</td>
                  <td>{k.orderId}</td>
                  <td>
                    {k.summary}
                    <details><summary>{t('tickets.conversation', { n: k.messages.length })}</summary>
                      <ul className="chat-log">{k.messages.map((m, i) => <li key={i} className={m.role === 'customer' ? '' : 'me'}>{m.text}</li>)}</ul>
                    </details>
                  </td>
                  <td><Badge tone={k.status === 'open' ? 'amber' : 'blue'}>{t(`tickets.${k.status}`)}</Badge>{k.assigneeId ? <><br /><span className="muted">{k.assigneeId}</span></> : null}</td>
                  <td><div className="row-actions">
                    {k.status === 'open' && <Button variant="secondary" onClick={() => move(k.id, 'claim')} busy={moving.busy}>{t('queue.claim')}</Button>}
                    <Button variant="ghost" onClick={() => move(k.id, 'close')} busy={moving.busy}>{t('tickets.close')}</Button>
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
