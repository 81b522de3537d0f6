// One order: where it stands, what cancelling it would mean, what happened to it, and what we told the customer.
import { useEffect, useRef, useState } from 'react';
import { api, type Order } from '../../../api.ts';
import { useLoad, useNow } from '../../../hooks.ts';
import { errorText, useI18n } from '../../../i18n/index.ts';
import { dateTime, spacedNumber, yuan } from '../../../format.ts';
import { Link, useLocation } from '../../../router.tsx';
import { Empty, Loading, Notice } from '../../../ui/notice.tsx';
import { CancelSection } from './cancel-section.tsx';
import { PaymentCountdown } from './countdown.tsx';
import { PaymentCheck } from './payment-check.tsx';
import { MoneyTrail } from './money.tsx';
import { NoticeList } from './notices.tsx';
import { Timeline } from './timeline.tsx';
import { TrackingSection } from './tracking.tsx';
import { SupplierSection } from './supplier-section.tsx';
import { ReturnSection } from './return-section.tsx';
import { TermsSection } from './terms.tsx';
import { AssistantChat, OrderFaq } from './help.tsx';
import { CancelBadge, deadlinePassed, stateText } from './words.tsx';

/** How often to look for a change the server makes on its own (payment confirmed, deadline closed). */
function pollMs(o: Order | undefined, paying: boolean): number | null {
  // A cancellation request being reviewed or carried out moves without the customer: follow it.
  // A decision may take hours; once made, the cancellation itself settles in seconds.
  const stage = o?.cancellation.progress?.stage ?? '';
  if (stage === 'under_review') return 10_000;
  if (stage === 'intercepting' || stage === 'cancelling') return 4000;
  // A parcel on its way is delivered without the customer doing anything: the page follows it.
  if (o?.state === 'shipped') return 15_000;
  if (!o || o.state !== 'pending_payment') return null;
  return paying || Date.now() >= o.paymentDeadline - 2000 ? 1000 : 5000;
}

export function OrderPage({ params }: { params: Record<string, string> }) {
  const { t } = useI18n();
  const id = params.id!;
  const paying = useLocation().query.get('paying') === '1';
  const now = useNow();
  const { data: order, error, setData } = useLoad(() => api.order(id), [id], (o) => pollMs(o, paying));
  const [justCancelled, setJustCancelled] = useState(false);
  const done = useRef<HTMLDivElement>(null);

  // What hangs off the order is read again whenever the order moves.
  const [bump, setBump] = useState(0);
  const version = order ? `${order.state}:${order.updatedAt}:${order.cancellation.progress?.stage ?? ''}:${bump}` : '';
  const events = useLoad(() => (order ? api.events(id) : Promise.resolve({ events: [] })), [id, version]);
  // Refunds are started and settled by the server after the decision: followed until the money has arrived.
  const money = useLoad(() => (order ? api.payments(id) : Promise.resolve({ payments: [], refunds: [] })), [id, version],
    (m) => (order?.cancellation.progress?.stage === 'cancelling' || m?.refunds.some((r) => r.state === 'pending' || r.state === 'processing') ? 4000 : null));
  // Messages go out just after the change that causes them, so they are looked for a little longer.
  const notices = useLoad(() => (order ? api.notifications(id) : Promise.resolve({ notifications: [] })), [id, version],
    () => (order && (order.state === 'pending_payment' || Date.now() - order.updatedAt < 15_000) ? 3000 : null));

  useEffect(() => {
    if (justCancelled) done.current?.focus();
  }, [justCancelled]);

  /** The order and what hangs off it, read again after a change made from this page. */
  const refresh = () => {
    setBump((n) => n + 1);
    void api.order(id).then(setData, () => undefined);
  };

  // Coming back to the page from the channel's app with the order unpaid: the channel is asked, in case its
  // notification is late; a payment it holds pays the order now.
  const waiting = order?.state === 'pending_payment';
  useEffect(() => {
    if (!waiting) return undefined;
    const back = () => {
      if (document.visibilityState !== 'visible') return;
      api.checkPayments(id).then((r) => {
        if (r.state !== 'pending_payment') refresh();
      }, () => undefined);
    };
    document.addEventListener('visibilitychange', back);
    return () => document.removeEventListener('visibilitychange', back);
  }, [id, waiting, setData]);

  if (!order) return error ? <Notice tone="error">{errorText(t, error)}</Notice> : <Loading label={t('common.loading')} />;

  const pending = order.state === 'pending_payment';
  const expired = deadlinePassed(order, now);
  return (
    <article className="order-page">
      <Link to="/orders" className="back-link">← {t('order.backToList')}</Link>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      <header className="card order-status">
        <div className="card-head">
          <h1 data-testid="order-state">{expired ? t('order.closingTitle') : stateText(t, order)}</h1>
          <CancelBadge label={expired ? { ...order.cancellation, label: 'not_cancellable', colour: 'grey' } : order.cancellation} />
        </div>
        <p className="order-number">{spacedNumber(order.number)}</p>
        <p className="muted">{order.plan.name} · {t(`carrier.${order.carrier}`)} · {t('order.no', { id: order.id })}</p>
        {pending && paying && !expired && <Notice tone="info">{t('order.confirmingPayment')}</Notice>}
        {order.state === 'paid' && paying && <Notice tone="success">{t('order.paidNotice')}</Notice>}
        {pending && paying && !expired && <PaymentCheck order={order} onPaid={refresh} />}
        {pending && <PaymentCountdown order={order} now={now} />}
        {order.state === 'cancelled' && (
          <div tabIndex={-1} ref={done}>
            <Notice tone={justCancelled ? 'success' : 'info'} title={justCancelled ? t(order.paidAt ? 'order.cancelledRefund' : 'order.cancelledNow') : undefined}>
              {order.closedAt && t('order.closedAt', { time: dateTime(order.closedAt) })}
              {order.keepsReorderDiscount !== null && ` ${t(order.keepsReorderDiscount ? 'preview.reorder.keeps' : 'preview.reorder.loses')}`}
            </Notice>
          </div>
        )}
      </header>

      <CancelSection order={order} now={now} onChange={(o) => { setData(o); setJustCancelled(o.state === 'cancelled'); }}
        onRefresh={refresh} />

      <ReturnSection order={order} version={version} onChange={refresh} />
      <SupplierSection order={order} version={version} onMove={refresh} />
      <TrackingSection order={order} version={version} />

      <TermsSection order={order} />

      <section className="card">
        <h2>{t('order.details')}</h2>
        <dl className="facts">
          <div><dt>{t('order.amount')}</dt><dd>{yuan(order.amountFen)}</dd></div>
          <div><dt>{t('form.contactName')}</dt><dd>{order.contactName}</dd></div>
          <div><dt>{t('form.contactPhone')}</dt><dd>{order.contactPhone}</dd></div>
          <div><dt>{t('form.residentId')}</dt><dd>{order.residentId}</dd></div>
          <div><dt>{t('checkout.address')}</dt><dd data-testid="order-address">{`${order.address.province} ${order.address.city} ${order.address.district} ${order.address.detail}`}</dd></div>
          <div><dt>{t('order.createdAt')}</dt><dd>{dateTime(order.createdAt)}</dd></div>
          {order.paidAt && <div><dt>{t('order.paidAt')}</dt><dd>{dateTime(order.paidAt)}</dd></div>}
        </dl>
      </section>

      {money.data && (money.data.payments.length > 0 || money.data.refunds.length > 0) && (
        <section className="card">
          <h2>{t('order.money')}</h2>
          <MoneyTrail payments={money.data.payments} refunds={money.data.refunds} />
        </section>
      )}

      <OrderFaq order={order} />
      <AssistantChat order={order} />

      <section className="card">
        <h2>{t('order.events')}</h2>
        {events.data ? <Timeline events={events.data.events} /> : <Loading label={t('common.loading')} />}
      </section>

      <section className="card">
        <div className="card-head">
          <h2>{t('order.notices')}</h2>
          <Link to="/inbox">{t('inbox.all')}</Link>
        </div>
        {notices.data && notices.data.notifications.length === 0 && <Empty title={t('inbox.empty')} />}
        {notices.data && <NoticeList notices={notices.data.notifications} />}
      </section>
    </article>
  );
}
