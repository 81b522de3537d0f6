import type { Payment, Refund } from '../../../api.ts';
import { dateTime, yuan } from '../../../format.ts';
import { isKey, useI18n } from '../../../i18n/index.ts';
import { Badge, type Tone } from '../../../ui/badge.tsx';
import { arrival } from './apply-cancel.tsx';

const TONE: Record<string, Tone> = { succeeded: 'green', created: 'grey', pending: 'amber', processing: 'amber', failed: 'red', closed: 'red' };

/**
 * Payments and refunds of the order. Refunds follow their request through to the money arriving; the expected
 * arrival date and the agent's decision join this list when paid-order cancellation lands.
 */
export function MoneyTrail({ payments, refunds, staff = false }: { payments: Payment[]; refunds: Refund[]; staff?: boolean }) {
  const { t } = useI18n();
  const stateWord = (s: string) => {
    const k = `refund.state.${s}`;
    return isKey(k) ? t(k) : s;
  };
  const state = (kind: 'payment' | 'refund', s: string) => {
    const k = `${kind}.state.${s}`;
    return <Badge tone={TONE[s] ?? 'grey'}>{isKey(k) ? t(k) : s}</Badge>;
  };
  return (
    <ul className="money">
      {payments.map((p) => (
        <li key={p.paymentNo}>
          <div>
            <strong>{t('money.payment', { channel: t(`channel.${p.channel}`) })}</strong>
            <p className="muted">{dateTime(p.succeededAt ?? p.createdAt)} · {p.paymentNo}</p>
          </div>
          <div className="money-right"><span>{yuan(p.amountFen)}</span>{state('payment', p.state)}</div>
        </li>
      ))}
      {refunds.map((r) => (
        <li key={r.refundNo}>
          <div>
            <strong>{t('money.refund', { channel: t(`channel.${r.channel}`) })}</strong>
            {r.express && <> <Badge tone="green">{t('refund.express')}</Badge></>}
            <p className="muted">{dateTime(r.succeededAt ?? r.createdAt)} · {r.refundNo}</p>
            {r.state === 'succeeded' && r.succeededAt
              ? <p className="arrival" data-testid="refund-arrival">{t('refund.arrived', { time: dateTime(r.succeededAt) })}</p>
              : r.expectedArrival && <p className="arrival" data-testid="refund-arrival">{arrival(t, r.expectedArrival)}</p>}
            {r.history && r.history.length > 0 && (
              <ol className="refund-history" aria-label={t('refund.history')}>
                {r.history.map((h, i) => (
                  <li key={i}>{dateTime(h.at)} · {stateWord(h.toState)}{staff && h.note ? ` · ${h.note}` : ''}</li>
                ))}
              </ol>
            )}
          </div>
          <div className="money-right"><span>{yuan(r.amountFen)}</span>{state('refund', r.state)}</div>
        </li>
      ))}
    </ul>
  );
}
