import type { Order } from '../../../api.ts';
import { countdown, dateTime } from '../../../format.ts';
import { useI18n } from '../../../i18n/index.ts';
import { Link } from '../../../router.tsx';

/** The payment countdown: it ticks, says the exact deadline in Beijing time, and puts paying one tap away. */
export function PaymentCountdown({ order, now }: { order: Order; now: number }) {
  const { t } = useI18n();
  const left = order.paymentDeadline - now;
  if (left <= 0) {
    return (
      <div className="countdown countdown-over" role="status">
        <p className="countdown-label">{t('order.deadlinePassed')}</p>
        <p className="muted">{t('order.closing')}</p>
      </div>
    );
  }
  return (
    <div className={`countdown${left < 5 * 60_000 ? ' countdown-urgent' : ''}`}>
      <p className="countdown-label">{t('order.timeLeft')}</p>
      <p className="countdown-value" role="timer" aria-label={t('order.timeLeftAria', { time: countdown(left) })}>{countdown(left)}</p>
      <p className="muted" data-testid="deadline">{t('order.payBefore', { time: dateTime(order.paymentDeadline) })}</p>
      <Link to={`/orders/${encodeURIComponent(order.id)}/pay`} className="btn btn-primary btn-block">{t('order.payNow')}</Link>
    </div>
  );
}
