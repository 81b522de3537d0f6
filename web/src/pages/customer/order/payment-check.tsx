import { useState } from 'react';
import { api, type Order } from '../../../api.ts';
import { useI18n } from '../../../i18n/index.ts';
import { Button } from '../../../ui/button.tsx';

/**
 * Back from the channel's app with the order still unpaid: the customer asks the channel from here, in case its
 * notification is late. A payment the channel holds pays the order at once (`onPaid` follows).
 */
export function PaymentCheck({ order, onPaid }: { order: Order; onPaid: () => void }) {
  const { t } = useI18n();
  const [check, setCheck] = useState<'idle' | 'busy' | 'unpaid' | 'failed'>('idle');
  const ask = () => {
    setCheck('busy');
    api.checkPayments(order.id).then((r) => {
      if (r.state === 'pending_payment') return setCheck('unpaid');
      setCheck('idle');
      onPaid();
    }, () => setCheck('failed'));
  };
  return (
    <div className="payment-check">
      <Button variant="secondary" block busy={check === 'busy'} onClick={ask}>{t('order.checkPaid')}</Button>
      {check === 'unpaid' && <p className="muted" role="status">{t('order.checkUnpaid')}</p>}
      {check === 'failed' && <p className="muted" role="status">{t('order.checkFailed')}</p>}
    </div>
  );
}
