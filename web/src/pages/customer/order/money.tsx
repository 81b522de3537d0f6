import type { Payment, Refund } from '../../../api.ts';
import { dateTime, yuan } from '../../../format.ts';
import { isKey, useI18n } from '../../../i18n/index.ts';
import { Badge, type Tone } from '../../../ui/badge.tsx';

const TONE: Record<string, Tone> = { succeeded: 'green', created: 'grey', pending: 'amber', processing: 'amber', failed: 'red' };

/**
 * Payments and refunds of the order. Refunds follow their request through to the money arriving; the expected
 * arrival date and the agent's decision join this list when paid-order cancellation lands.
 */
export function MoneyTrail({ payments, refunds }: { payments: Payment[]; refunds: Refund[] }) {
  const { t } = useI18n();
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
            <p className="muted">{dateTime(r.succeededAt ?? r.createdAt)} · {r.refundNo}</p>
          </div>
          <div className="money-right"><span>{yuan(r.amountFen)}</span>{state('refund', r.state)}</div>
        </li>
      ))}
    </ul>
  );
}
