// Paying a batch in the channel's own screen. The demo's channels are simulators, so their screen is drawn here (as the
// customer's pay page does); a real channel's cashier is a page of its own that the console opens instead.
import { api, type Channel } from '../../api.ts';
import { useAction } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { yuan } from '../../format.ts';
import { Button } from '../../ui/button.tsx';
import { Notice } from '../../ui/notice.tsx';
import { useIotT } from './i18n.ts';

export interface OpenedPayment { paymentNo: string; payUrl: string; channel: Channel; amountFen: number; batchId: string }

/** Whether the channel's screen is the simulator's (drawn in the console) rather than a real cashier to go to. */
export const simulatedCashier = (payUrl: string) => payUrl.startsWith('/sim/pay/');

export function SimulatedCashier({ opened, onPaid, onClose }: { opened: OpenedPayment; onPaid: () => void; onClose: () => void }) {
  const { t } = useI18n();
  const iot = useIotT().t;
  const paying = useAction();
  const confirm = async () => {
    const r = await paying.run((key) => api.simPay(opened.payUrl, key));
    if (r) onPaid();
  };
  return (
    <div className={`sim-channel sim-${opened.channel}`} aria-labelledby="iot-sim-title">
      <header>
        <h2 id="iot-sim-title">{t(`channel.${opened.channel}`)}</h2>
        <span className="sim-tag">{t('pay.simulated')}</span>
      </header>
      <div className="sim-body">
        <p className="muted">{t('pay.merchant')}</p>
        <p className="sim-amount">{yuan(opened.amountFen)}</p>
        <dl className="facts">
          <div><dt>{t('pay.paymentNo')}</dt><dd>{opened.paymentNo}</dd></div>
        </dl>
        {paying.error ? <Notice tone="error">{errorText(t, paying.error)}</Notice> : null}
        <Button block onClick={confirm} busy={paying.busy}>{t('pay.confirm')}</Button>
        <Button block variant="ghost" onClick={onClose}>{iot('preview.close')}</Button>
      </div>
    </div>
  );
}
