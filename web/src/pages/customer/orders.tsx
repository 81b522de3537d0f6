import { useState } from 'react';
import { api, type Order } from '../../api.ts';
import { useAction, useLoad, useNow } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { countdown, dateTime, spacedNumber, yuan } from '../../format.ts';
import { Link } from '../../router.tsx';
import { Button } from '../../ui/button.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';
import { CancelBadge, deadlinePassed, stateText } from './order/words.tsx';

/** My orders, newest first, each with its state and its cancellation label in its colour. */
export function OrdersPage() {
  const { t } = useI18n();
  const now = useNow();
  const [more, setMore] = useState<Order[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const first = useLoad(async () => {
    const r = await api.orders();
    setMore([]);
    setNextBefore(r.nextBefore);
    return r;
  }, []);
  const loadingMore = useAction();

  const loadMore = async () => {
    if (nextBefore === null) return;
    const r = await loadingMore.run(() => api.orders(nextBefore));
    if (r) {
      setMore((m) => [...m, ...r.orders]);
      setNextBefore(r.nextBefore);
    }
  };

  if (first.error) return <Notice tone="error">{errorText(t, first.error)}</Notice>;
  if (!first.data) return <Loading label={t('common.loading')} />;
  const orders = [...first.data.orders, ...more];

  return (
    <section>
      <div className="page-head">
        <h1>{t('orders.title')}</h1>
        <Link to="/inbox">{t('inbox.open')}</Link>
      </div>
      {orders.length === 0 && (
        <Empty title={t('orders.empty')}>
          <Link to="/" className="btn btn-primary">{t('orders.browse')}</Link>
        </Empty>
      )}
      <ul className="order-list">
        {orders.map((o) => {
          const expired = deadlinePassed(o, now);
          return (
            <li key={o.id}>
              <Link to={`/orders/${encodeURIComponent(o.id)}`} className="card order-row">
                <div className="card-head">
                  <strong>{o.plan.name}</strong>
                  <CancelBadge label={expired ? { ...o.cancellation, label: 'not_cancellable', colour: 'grey' } : o.cancellation} />
                </div>
                <p className="order-number">{spacedNumber(o.number)}</p>
                <p className="order-row-foot">
                  <span className={`state state-${o.state}`}>
                    {expired ? t('order.closingTitle') : stateText(t, o)}
                    {o.state === 'pending_payment' && !expired && ` · ${t('orders.left', { time: countdown(o.paymentDeadline - now) })}`}
                  </span>
                  <span className="muted">{yuan(o.amountFen)} · {dateTime(o.createdAt)}</span>
                </p>
              </Link>
            </li>
          );
        })}
      </ul>
      {nextBefore !== null && <Button variant="ghost" block onClick={loadMore} busy={loadingMore.busy}>{t('orders.more')}</Button>}
      {loadingMore.error ? <Notice tone="error">{errorText(t, loadingMore.error)}</Notice> : null}
    </section>
  );
}
