// One cancellation request at the agent's desk: the order, the customer's recent history and risk checks, the
// identity check, and the decisions (each behind a confirmation), with the order's audit trail underneath.
import { useState } from 'react';
import { api, type Order, type RequestView } from '../../api.ts';
import { useLoad, useNow } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { dateTime, spacedNumber, yuan } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.ts';
import { Badge } from '../../ui/badge.tsx';
import { ConfirmAction } from '../../ui/confirm.tsx';
import { TextArea, TextField } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { MoneyTrail } from '../customer/order/money.tsx';
import { reasonLabel } from '../customer/order/apply-cancel.tsx';
import { stateText } from '../customer/order/words.tsx';
import { RequestBadges, TimeLeft } from './queue.tsx';
import { StaffTrail } from './trail.tsx';

export function RequestPage({ params }: { params: Record<string, string> }) {
  const { t } = useI18n();
  const id = params.id!;
  const now = useNow();
  const me = useSession('staff');
  const [tick, setTick] = useState(0);
  const refresh = () => setTick((n) => n + 1);
  const req = useLoad(() => api.request(id, 'staff'), [id, tick]);
  const q = req.data;
  const orderId = q?.orderId;
  const version = `${orderId ?? ''}:${tick}:${q?.state ?? ''}`;
  const order = useLoad(() => (orderId ? api.staff.order(orderId) : Promise.resolve(null)), [version]);
  const events = useLoad(() => (orderId ? api.staff.events(orderId) : Promise.resolve({ events: [] })), [version]);
  const refunds = useLoad(() => (orderId ? api.staff.refunds(orderId) : Promise.resolve({ refunds: [] })), [version],
    (d) => (d?.refunds.some((r) => r.state === 'pending' || r.state === 'processing') ? 3000 : null));
  const preview = useLoad(() => (orderId ? api.staff.preview(orderId) : Promise.resolve(null)), [version]);
  const customerId = q?.staff?.customerId;
  const history = useLoad(() => (customerId ? api.staff.customerHistory(customerId) : Promise.resolve(null)), [customerId, version]);

  if (!q) return req.error ? <Notice tone="error">{errorText(t, req.error)}</Notice> : <Loading label={t('common.loading')} />;
  const o = order.data;
  return (
    <section className="request-page">
      <Link to="/staff/queue" className="back-link">← {t('staff.nav.queue')}</Link>
      <h1>{t('desk.title', { number: o ? spacedNumber(o.number) : q.orderId })}</h1>
      <p className="row-actions">
        <Badge tone={q.state === 'requested' ? 'amber' : q.state === 'rejected' ? 'red' : q.state === 'withdrawn' ? 'grey' : 'green'}>{t(`requestState.${q.state === 'superseded' ? 'withdrawn' : q.state}`)}</Badge>
        <RequestBadges q={q} t={t} />
        <span>{t('queue.timeLeft')}: <TimeLeft q={q} now={now} /></span>
      </p>
      <div className="two-col">
        <div>
          <section className="card" aria-labelledby="desk-request">
            <h2 id="desk-request">{t('desk.request')}</h2>
            <dl className="facts">
              <div><dt>{t('queue.reason')}</dt><dd>{reasonLabel(t, q.reasonCode)}</dd></div>
              {q.reasonText && <div><dt>{t('desk.customerWords')}</dt><dd>{q.reasonText}</dd></div>}
              <div><dt>{t('desk.appliedAt')}</dt><dd>{dateTime(q.createdAt)}</dd></div>
              <div><dt>{t('desk.dueAt')}</dt><dd>{dateTime(q.dueAt)}</dd></div>
              <div><dt>{t('desk.stateAtRequest')}</dt><dd>{t(`state.${q.orderStateAtRequest}`)}</dd></div>
              <div><dt>{t('queue.assignee')}</dt><dd>{q.staff?.assigneeId ?? t('queue.unassigned')}</dd></div>
              {q.interception && <div><dt>{t('desk.interception')}</dt><dd>{t(`interception.${q.interception}`)}</dd></div>}
              {q.rejectionReason && <div><dt>{t('desk.rejectionReason')}</dt><dd>{q.rejectionReason}</dd></div>}
              {q.staff?.decisionNote && <div><dt>{t('desk.note')}</dt><dd>{q.staff.decisionNote}</dd></div>}
            </dl>
            <Identity q={q} />
            {q.state === 'requested' && <Decide q={q} mine={q.staff?.assigneeId === me?.agent.id} onDone={refresh} />}
            {q.state === 'approved' && q.interception && q.interception !== 'accepted' && (
              <div className="row-actions">
                <ConfirmAction label={t('desk.intercept')} title={t('desk.intercept.title')} confirmLabel={t('desk.intercept')}
                  act={async (key) => { const r = await api.staff.intercept(q.id, key); refresh(); return r; }}>
                  <p>{t('desk.intercept.text')}</p>
                </ConfirmAction>
              </div>
            )}
          </section>
          {o && <OrderCard order={o} onDone={refresh} />}
          <section className="card">
            <h2>{t('order.money')}</h2>
            {refunds.data && refunds.data.refunds.length === 0 && <p className="muted">{t('desk.noRefunds')}</p>}
            {refunds.data && <MoneyTrail payments={[]} refunds={refunds.data.refunds} staff />}
            {refunds.data?.refunds.filter((r) => r.retryable).map((r) => <RetryRefund key={r.refundNo} refundNo={r.refundNo} onDone={refresh} />)}
          </section>
        </div>
        <div>
          <section className="card" aria-labelledby="desk-history">
            <h2 id="desk-history">{t('desk.history')}</h2>
            {preview.data && !preview.data.checks?.length && <p className="muted">{t('desk.noChecks')}</p>}
            {preview.data?.checks && (
              <ul className="checks">
                {preview.data.checks.map((c) => <li key={c.rule} className={c.passed ? '' : 'failed'}>{c.text}</li>)}
              </ul>
            )}
            {history.error ? <Notice tone="error">{errorText(t, history.error)}</Notice> : null}
            {history.data && (
              <div data-testid="customer-history">
                <p className="form-section">{t('desk.history.summary', { orders: history.data.cancelledOrders.length, requests: history.data.requests.length })}</p>
                <ul className="refund-history">
                  {history.data.requests.map((r) => (
                    <li key={r.id}>{dateTime(r.createdAt)} · {reasonLabel(t, r.reasonCode)} · {t(`requestState.${r.state === 'superseded' ? 'withdrawn' : r.state}`)}{r.express ? ` · ${t('refund.express')}` : ''}{r.id === q.id ? ` · ${t('desk.history.this')}` : ''}</li>
                  ))}
                  {history.data.cancelledOrders.filter((o) => !history.data!.requests.some((r) => r.orderId === o.orderId)).map((o) => (
                    <li key={o.orderId}>{dateTime(o.closedAt)} · {spacedNumber(o.number)} · {o.closeReason ? stateText(t, { state: 'cancelled', closeReason: o.closeReason }) : t('state.cancelled')}</li>
                  ))}
                </ul>
              </div>
            )}
          </section>
          <section className="card" aria-labelledby="desk-trail">
            <h2 id="desk-trail">{t('desk.trail')}</h2>
            {events.data ? <StaffTrail events={events.data.events} /> : <Loading label={t('common.loading')} />}
          </section>
        </div>
      </div>
    </section>
  );
}

function Identity({ q }: { q: RequestView }) {
  const { t } = useI18n();
  const s = q.staff;
  return (
    <div className="request-status">
      <p className="form-section">{t('desk.identity')}</p>
      {q.identityVerified
        ? <Notice tone="success">{t('desk.identity.ok', { method: s?.identityMethod ? t(`identityMethod.${s.identityMethod === 'screenshot' ? 'screenshot' : 'resident_id'}`) : '' })}</Notice>
        : <Notice tone="warning">{t('desk.identity.no', { n: s?.identityFailures ?? 0 })}</Notice>}
      {s?.hasScreenshot && <Screenshot id={q.id} />}
    </div>
  );
}

function Screenshot({ id }: { id: string }) {
  const { t } = useI18n();
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (src) return <img src={src} alt={t('desk.screenshot')} style={{ maxWidth: '100%', borderRadius: 8 }} />;
  return (
    <>
      <button type="button" className="link-button" onClick={() => api.staff.screenshot(id).then((s) => setSrc(`data:${s.contentType};base64,${s.dataBase64}`), setError)}>{t('desk.showScreenshot')}</button>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
    </>
  );
}

function Decide({ q, mine, onDone }: { q: RequestView; mine: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [residentId, setResidentId] = useState('');
  const done = <R,>(r: R) => {
    onDone();
    return r;
  };
  return (
    <div className="request-status">
      <p className="form-section">{t('desk.decide')}</p>
      {!q.identityVerified && <p className="muted">{t('desk.approveNeedsIdentity')}</p>}
      <div className="row-actions">
        {!mine && (
          <ConfirmAction variant="secondary" label={t('queue.claim')} title={t('desk.claim.title')} confirmLabel={t('queue.claim')}
            act={async (key) => done(await api.staff.claim(q.id, key))}>
            <p>{t('desk.claim.text')}</p>
          </ConfirmAction>
        )}
        {!q.identityVerified && (
          <ConfirmAction variant="secondary" label={t('desk.verify')} title={t('desk.verify.title')} confirmLabel={t('desk.verify')}
            act={async (key) => done(await api.staff.verify(q.id, q.staff?.hasScreenshot && !residentId.trim() ? { method: 'screenshot' } : { method: 'resident_id', residentId: residentId.trim() }, key))}>
            <p>{t('desk.verify.text')}</p>
            <TextField label={t('identity.residentId')} value={residentId} onChange={(e) => setResidentId(e.target.value)} maxLength={18} autoComplete="off"
              hint={q.staff?.hasScreenshot ? t('desk.verify.screenshotHint') : undefined} />
          </ConfirmAction>
        )}
        <ConfirmAction label={t('desk.approve')} title={t('desk.approve.title')} confirmLabel={t('desk.approve.confirm')} disabled={!q.identityVerified}
          act={async (key) => done(await api.staff.approve(q.id, note.trim() || undefined, key))}>
          <p>{t(q.orderStateAtRequest === 'packing' ? 'desk.approve.packing' : 'desk.approve.text', { amount: q.staff?.order ? yuan(q.staff.order.amountFen) : '' })}</p>
          <TextArea label={t('desk.note.optional')} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
        </ConfirmAction>
        <ConfirmAction variant="danger" label={t('desk.reject')} title={t('desk.reject.title')} confirmLabel={t('desk.reject.confirm')}
          act={async (key) => {
            if (reason.trim().length < 2) {
              setReasonError(t('desk.reject.missing'));
              return false;
            }
            setReasonError(null);
            return done(await api.staff.reject(q.id, reason.trim(), key));
          }}>
          <p>{t('desk.reject.text')}</p>
          <TextArea label={t('desk.reject.reason')} value={reason} maxLength={500} error={reasonError} onChange={(e) => setReason(e.target.value)} />
        </ConfirmAction>
      </div>
    </div>
  );
}

function OrderCard({ order, onDone }: { order: Order; onDone: () => void }) {
  const { t } = useI18n();
  const open = ['under_review', 'intercepting'].includes(order.cancellation.progress?.stage ?? '');
  return (
    <section className="card" aria-labelledby="desk-order">
      <div className="card-head"><h2 id="desk-order">{t('desk.order')}</h2><Badge tone={order.cancellation.colour}>{stateText(t, order)}</Badge></div>
      <dl className="facts">
        <div><dt>{t('tickets.order')}</dt><dd>{order.id}</dd></div>
        <div><dt>{t('checkout.planSection')}</dt><dd>{order.plan.name} · {t(`carrier.${order.carrier}`)}</dd></div>
        <div><dt>{t('order.amount')}</dt><dd>{yuan(order.amountFen)}{order.paymentChannel ? ` · ${t(`channel.${order.paymentChannel}`)}` : ''}</dd></div>
        <div><dt>{t('form.contactName')}</dt><dd>{order.contactName} · {order.contactPhone}</dd></div>
        <div><dt>{t('form.residentId')}</dt><dd>{order.residentId}</dd></div>
        <div><dt>{t('checkout.address')}</dt><dd>{`${order.address.province} ${order.address.city} ${order.address.district} ${order.address.detail}`}</dd></div>
        {order.paidAt && <div><dt>{t('order.paidAt')}</dt><dd>{dateTime(order.paidAt)}</dd></div>}
      </dl>
      {order.state === 'paid' && !open && (
        <div className="row-actions">
          <ConfirmAction variant="secondary" label={t('desk.startPacking')} title={t('desk.startPacking.title')} confirmLabel={t('desk.startPacking')}
            act={async (key) => { const r = await api.staff.startPacking(order.id, key); onDone(); return r; }}>
            <p>{t('desk.startPacking.text')}</p>
          </ConfirmAction>
        </div>
      )}
    </section>
  );
}

function RetryRefund({ refundNo, onDone }: { refundNo: string; onDone: () => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  return (
    <div className="row-actions">
      <ConfirmAction label={t('desk.retry', { no: refundNo })} title={t('desk.retry.title')} confirmLabel={t('desk.retry.confirm')}
        act={async (key) => {
          if (!note.trim()) {
            setMissing(t('form.required'));
            return false;
          }
          const r = await api.staff.retryRefund(refundNo, note.trim(), key);
          onDone();
          return r;
        }}>
        <p>{t('desk.retry.text')}</p>
        <TextArea label={t('desk.retry.note')} value={note} error={missing} maxLength={200} onChange={(e) => setNote(e.target.value)} />
      </ConfirmAction>
    </div>
  );
}
