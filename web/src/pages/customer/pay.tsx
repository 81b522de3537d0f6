// Paying: the customer picks a channel, then finishes in the channel's own screen. In this build the channels are
// simulators, so their screen is drawn here; a real channel would open its app or page at `payUrl` instead.
import { useState } from 'react';
import { api, type Channel } from '../../api.ts';
import { useAction, useLoad, useNow } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { countdown, spacedNumber, yuan } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { Button } from '../../ui/button.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { stateText } from './order/words.tsx';

const CHANNELS: Channel[] = ['alipay', 'wechat', 'bank'];

export function PayPage({ params }: { params: Record<string, string> }) {
  const { t } = useI18n();
  const id = params.id!;
  const now = useNow();
  const { data: order, error } = useLoad(() => api.order(id), [id]);
  // Only the channels this deployment offers (a production channel left unconfigured is not).
  const offered = useLoad(() => api.paymentChannels(), []).data?.channels;
  const channels = CHANNELS.filter((c) => !offered || offered.includes(c));
  const [picked, setChannel] = useState<Channel>('alipay');
  const channel = channels.includes(picked) ? picked : (channels[0] ?? picked);
  const [opened, setOpened] = useState<{ paymentNo: string; payUrl: string; channel: Channel } | null>(null);
  const starting = useAction();
  const paying = useAction();
  const orderPath = `/orders/${encodeURIComponent(id)}`;

  if (error) return <Notice tone="error">{errorText(t, error)}</Notice>;
  if (!order) return <Loading label={t('common.loading')} />;
  const left = order.paymentDeadline - now;
  if (order.state !== 'pending_payment' || left <= 0) {
    return (
      <section className="narrow">
        <h1>{t('pay.title')}</h1>
        <Notice tone="warning">{left <= 0 && order.state === 'pending_payment' ? t('order.deadlinePassed') : t('pay.notPayable', { state: stateText(t, order) })}</Notice>
        <Link to={orderPath} className="btn btn-secondary">{t('pay.backToOrder')}</Link>
      </section>
    );
  }

  const open = async () => {
    const r = await starting.run((key) => api.startPayment(id, channel, key));
    if (r) setOpened({ paymentNo: r.paymentNo, payUrl: r.payUrl, channel });
  };
  const confirm = async () => {
    if (!opened) return;
    const r = await paying.run((key) => api.simPay(opened.payUrl, key));
    if (r) navigate(`${orderPath}?paying=1`, { replace: true });
  };

  if (opened) {
    return (
      <section className="narrow">
        <div className={`sim-channel sim-${opened.channel}`} aria-labelledby="sim-title">
          <header>
            <h1 id="sim-title">{t(`channel.${opened.channel}`)}</h1>
            <span className="sim-tag">{t('pay.simulated')}</span>
          </header>
          <div className="sim-body">
            <p className="muted">{t('pay.merchant')}</p>
            <p className="sim-amount">{yuan(order.amountFen)}</p>
            <dl className="facts">
              <div><dt>{t('pay.subject')}</dt><dd>{t('pay.subjectValue', { number: spacedNumber(order.number) })}</dd></div>
              <div><dt>{t('pay.paymentNo')}</dt><dd>{opened.paymentNo}</dd></div>
            </dl>
            {paying.error ? <Notice tone="error">{errorText(t, paying.error)}</Notice> : null}
            <Button block onClick={confirm} busy={paying.busy}>{t('pay.confirm')}</Button>
            <Button block variant="ghost" onClick={() => setOpened(null)}>{t('pay.otherChannel')}</Button>
          </div>
        </div>
      </section>
    );
  }

  return (
    <section className="narrow">
      <h1>{t('pay.title')}</h1>
      <div className="card pay-summary">
        <p className="muted">{order.plan.name} · {spacedNumber(order.number)}</p>
        <p className="pay-amount">{yuan(order.amountFen)}</p>
        <p className="muted" role="timer">{t('pay.left', { time: countdown(left) })}</p>
      </div>
      <fieldset className="channels">
        <legend>{t('pay.channel')}</legend>
        {channels.map((c) => (
          <label key={c} className={`channel-option${channel === c ? ' channel-on' : ''}`}>
            <input type="radio" name="channel" value={c} checked={channel === c} onChange={() => setChannel(c)} />
            <span className={`channel-mark mark-${c}`} aria-hidden="true">{t(`channel.${c}.mark`)}</span>
            <span>
              <strong>{t(`channel.${c}`)}</strong>
              <span className="muted block">{t(`channel.${c}.refundNote`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {starting.error ? <Notice tone="error">{errorText(t, starting.error)}</Notice> : null}
      <Button block onClick={open} busy={starting.busy}>{t('pay.go', { amount: yuan(order.amountFen) })}</Button>
      <Link to={orderPath} className="btn btn-ghost btn-block">{t('pay.backToOrder')}</Link>
    </section>
  );
}
