// Ending an activated line. Inside the plan's trial: one step, free, after a dialog that says what comes back and
// what happens to the number. After it: account closure (销户), whose preview shows the early-termination penalty
// (违约金) and how the plan's rule arrived at it; the customer confirms that exact amount, then follows the closure.
import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type CancellationPreview, type Channel, type ClosureView, type Order } from '../../../api.ts';
import { useAction, useLoad } from '../../../hooks.ts';
import { errorText, useI18n } from '../../../i18n/index.ts';
import { dateTime, spacedNumber, yuan } from '../../../format.ts';
import { Badge, type Tone } from '../../../ui/badge.tsx';
import { ConfirmAction } from '../../../ui/confirm.tsx';
import { Button } from '../../../ui/button.tsx';
import { Dialog } from '../../../ui/dialog.tsx';
import { Notice } from '../../../ui/notice.tsx';
import { arrival } from './apply-cancel.tsx';

/** The cancellation preview loaded on demand, and the dialog that shows it opened once it is there. */
function usePreviewDialog(orderId: string) {
  const [open, setOpen] = useState(false);
  const [preview, setPreview] = useState<CancellationPreview | null>(null);
  const loading = useAction();
  const start = async () => {
    const p = await loading.run(() => api.cancellation(orderId));
    if (p) {
      setPreview(p);
      setOpen(true);
    }
  };
  return { open, setOpen, preview, setPreview, loading, start };
}

export function TrialUnsubscribe({ order, onDone }: { order: Order; onDone: (o: Order) => void }) {
  const { t, fromServer } = useI18n();
  const { open, setOpen, preview, loading, start } = usePreviewDialog(order.id);
  const sending = useAction();
  const confirm = async () => {
    const o = await sending.run((key) => api.unsubscribe(order.id, key));
    if (o) {
      setOpen(false);
      onDone(o);
    }
  };
  const c = preview?.consequences;
  const trialEnd = order.cancellation.validUntil;
  return (
    <>
      {trialEnd != null && <p data-testid="trial-end">{t('trial.until', { time: dateTime(trialEnd) })}</p>}
      <Button variant="danger-outline" onClick={start} busy={loading.busy}>{t('trial.entry')}</Button>
      {loading.error ? <Notice tone="error">{errorText(t, loading.error)}</Notice> : null}
      <Dialog open={open} onClose={() => setOpen(false)} title={t('trial.dialogTitle')}
        actions={<>
          <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>{t('cancel.keep')}</Button>
          <Button variant="danger" onClick={confirm} busy={sending.busy}>{t('trial.confirm')}</Button>
        </>}>
        {preview && (
          <>
            <p>{fromServer(preview.explanation, 'reason.activated.trial', { trial: order.plan.trialDays })}</p>
            {c && (
              <dl className="facts consequences">
                <div><dt>{t('preview.refund')}</dt><dd data-testid="trial-refund">{yuan(c.refundFen)}</dd></div>
                <div><dt>{t('preview.penalty')}</dt><dd>{yuan(c.penaltyFen)}</dd></div>
                {preview.refund && <div><dt>{t('trial.refundTo')}</dt><dd>{t(`channel.${preview.refund.channel}`)} · {arrival(t, preview.refund.expected)}</dd></div>}
              </dl>
            )}
            {c && <p className="muted">{fromServer(c.numberText, 'trial.number', { number: order.number })}</p>}
            {preview.confirmationText && <p className="confirm-text">{fromServer(preview.confirmationText, 'trial.confirmText')}</p>}
            {sending.error ? <Notice tone="error">{errorText(t, sending.error)}</Notice> : null}
          </>
        )}
      </Dialog>
    </>
  );
}

/**
 * The line's latest closure, or null when none was ever asked for. The audit trail says whether there is one, so
 * that a line without a closure is not asked for it (a refusal the browser would log as an error).
 */
async function latestClosure(orderId: string): Promise<ClosureView | null> {
  const { events } = await api.events(orderId);
  if (!events.some((e) => e.action === 'closure.requested')) return null;
  try {
    return await api.closure(orderId);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'CLOSURE.NOT_FOUND') return null;
    throw e;
  }
}

const ENDED = new Set<ClosureView['state']>(['withdrawn', 'refused']);
const CLOSURE_TONE: Record<ClosureView['state'], Tone> = { awaiting_penalty: 'amber', requested: 'blue', completed: 'green', withdrawn: 'grey', refused: 'red' };
const CHANNELS: Channel[] = ['alipay', 'wechat', 'bank'];

export function CloseAccount({ order, onDone }: { order: Order; onDone: (o: Order) => void }) {
  const { t } = useI18n();
  /** A penalty paid at the channel is confirmed by the channel's notification: followed until it lands. */
  const [paid, setPaid] = useState(false);
  const paidRef = useRef(false);
  const current = useLoad(() => latestClosure(order.id), [order.id, order.updatedAt],
    (c) => (c?.state === 'awaiting_penalty' && paidRef.current ? 1500 : c?.state === 'requested' ? 10_000 : null));
  const closure = current.data;

  // Once an agent has closed the line at the carrier the order itself has moved: show it.
  useEffect(() => {
    if (closure?.state === 'completed') void api.order(order.id).then(onDone, () => undefined);
  }, [closure?.state]);

  if (closure === undefined) return current.error ? <Notice tone="error">{errorText(t, current.error)}</Notice> : <Button variant="danger-outline" busy>{t('closure.entry')}</Button>;
  if (closure === null || ENDED.has(closure.state)) {
    return (
      <>
        {closure && <ClosureEnded closure={closure} />}
        <ClosurePreview order={order} onRequested={(c) => current.setData(c)} />
      </>
    );
  }
  return (
    <div className="closure-progress" data-testid="closure-progress">
      <p className="row-actions"><Badge tone={CLOSURE_TONE[closure.state]}>{t(`closure.state.${closure.state}`)}</Badge></p>
      <p>{t(`closure.progress.${closure.state as 'awaiting_penalty' | 'requested' | 'completed'}`, { amount: yuan(closure.penaltyFen) })}</p>
      <ol className="steps-list">
        <li className="done">{t('closure.step.requested', { time: dateTime(closure.requestedAt) })}</li>
        {closure.penaltyFen > 0 && (
          <li className={closure.penalty.paid ? 'done' : ''} data-testid="closure-penalty-step">
            {closure.penalty.paid && closure.penalty.paidAt
              ? t('closure.step.penaltyPaid', { amount: yuan(closure.penaltyFen), time: dateTime(closure.penalty.paidAt) })
              : t('closure.step.penalty', { amount: yuan(closure.penaltyFen) })}
          </li>
        )}
        <li className={closure.state === 'completed' ? 'done' : ''}>{t('closure.step.carrier')}</li>
        <li className={closure.state === 'completed' ? 'done' : ''}>{t('closure.step.closed')}</li>
      </ol>
      {closure.state === 'awaiting_penalty' && paid && <Notice tone="info">{t('closure.confirmingPayment')}</Notice>}
      <div className="row-actions">
        {closure.state === 'awaiting_penalty' && !paid && (
          <PayPenalty order={order} closure={closure} onPaid={() => { paidRef.current = true; setPaid(true); current.setData(closure); }} />
        )}
        {(closure.state === 'awaiting_penalty' || closure.state === 'requested') && (
          <ConfirmAction label={t('closure.withdraw')} title={t('closure.withdrawTitle')} confirmLabel={t('closure.withdrawConfirm')} variant="secondary"
            act={async (key) => { const c = await api.withdrawClosure(order.id, key); current.setData(c); return c; }}>
            <p>{t(closure.penalty.paid ? 'closure.withdrawText.refund' : 'closure.withdrawText', { amount: yuan(closure.penaltyFen) })}</p>
          </ConfirmAction>
        )}
      </div>
    </div>
  );
}

function ClosureEnded({ closure }: { closure: ClosureView }) {
  const { t } = useI18n();
  return (
    <Notice tone={closure.state === 'refused' ? 'warning' : 'info'} title={t(`closure.state.${closure.state}`)}>
      {closure.state === 'refused' && closure.endedReason && <p data-testid="closure-refusal">{closure.endedReason}</p>}
      {closure.penalty.refund && <p>{t('closure.penaltyRefund', { amount: yuan(closure.penalty.refund.amountFen) })}</p>}
      <p>{t('closure.numberKept')}</p>
    </Notice>
  );
}

/** The preview, then a confirmation of the exact penalty: nothing is asked of the carrier before that. */
function ClosurePreview({ order, onRequested }: { order: Order; onRequested: (c: ClosureView) => void }) {
  const { t, fromServer } = useI18n();
  const { open, setOpen, preview, setPreview, loading, start } = usePreviewDialog(order.id);
  const sending = useAction();

  const confirm = async () => {
    if (!preview?.consequences) return;
    const penalty = preview.consequences.penaltyFen;
    const r = await sending.run((key) => api.closeAccount(order.id, penalty, key), (e) => {
      // The penalty moved (a month turned) since the preview: show the new one, to be confirmed again.
      if (e instanceof ApiError && e.code === 'CLOSURE.PENALTY_CHANGED') void api.cancellation(order.id).then(setPreview, () => undefined);
      return false;
    });
    if (r) {
      setOpen(false);
      onRequested(r);
    }
  };

  const c = preview?.consequences;
  const penalty = c?.penaltyFen ?? 0;
  return (
    <>
      <Button variant="danger-outline" onClick={start} busy={loading.busy}>{t('closure.entry')}</Button>
      {loading.error ? <Notice tone="error">{errorText(t, loading.error)}</Notice> : null}
      <Dialog open={open} onClose={() => setOpen(false)} title={t('closure.dialogTitle')}
        actions={<>
          <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>{t('confirm.back')}</Button>
          <Button variant="danger" onClick={confirm} busy={sending.busy}>{penalty > 0 ? t('closure.confirmPay', { amount: yuan(penalty) }) : t('closure.confirm')}</Button>
        </>}>
        {preview && c && (
          <>
            <div className="penalty-box">
              <span className="muted">{t('preview.penalty')}</span>
              <strong className="penalty-amount" data-testid="closure-penalty">{yuan(penalty)}</strong>
            </div>
            <p data-testid="closure-rule">{fromServer(preview.explanation, penalty > 0 ? 'closure.rule' : 'closure.rule.none', { amount: yuan(penalty) })}</p>
            <dl className="facts">
              <div><dt>{t('plan.contract')}</dt><dd>{order.plan.contractMonths > 0 ? t('plan.contractValue', { n: order.plan.contractMonths }) : t('plan.noContract')}</dd></div>
              <div><dt>{t('order.monthly')}</dt><dd>{yuan(order.plan.monthlyFeeFen)}</dd></div>
              {order.activatedAt && <div><dt>{t('closure.activatedAt')}</dt><dd>{dateTime(order.activatedAt)}</dd></div>}
            </dl>
            <p className="muted">{fromServer(c.numberText, 'closure.number', { number: order.number })}</p>
            <p className="muted">{t(penalty > 0 ? 'closure.howItGoes.pay' : 'closure.howItGoes')}</p>
            {sending.error ? <Notice tone="error">{errorText(t, sending.error)}</Notice> : null}
          </>
        )}
      </Dialog>
    </>
  );
}

/** The penalty is paid like an order: pick a channel, then finish in the channel's (simulated) screen. */
function PayPenalty({ order, closure, onPaid }: { order: Order; closure: ClosureView; onPaid: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [channel, setChannel] = useState<Channel>('alipay');
  const [opened, setOpened] = useState<{ paymentNo: string; payUrl: string; channel: Channel } | null>(null);
  const starting = useAction();
  const paying = useAction();
  const amount = yuan(closure.penaltyFen);

  const go = async () => {
    const r = await starting.run((key) => api.payPenalty(order.id, channel, key));
    if (r) setOpened({ paymentNo: r.paymentNo, payUrl: r.payUrl, channel });
  };
  const confirm = async () => {
    if (!opened) return;
    const r = await paying.run((key) => api.simPay(opened.payUrl, key));
    if (r) {
      setOpen(false);
      onPaid();
    }
  };
  return (
    <>
      <Button onClick={() => { setOpened(null); setOpen(true); }}>{t('closure.pay', { amount })}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={opened ? t(`channel.${opened.channel}`) : t('closure.payTitle')}
        actions={opened ? (
          <>
            <Button variant="secondary" onClick={() => setOpened(null)}>{t('pay.otherChannel')}</Button>
            <Button onClick={confirm} busy={paying.busy}>{t('pay.confirm')}</Button>
          </>
        ) : (
          <>
            <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>{t('confirm.back')}</Button>
            <Button onClick={go} busy={starting.busy}>{t('pay.go', { amount })}</Button>
          </>
        )}>
        {opened ? (
          <div className={`sim-channel sim-${opened.channel}`}>
            <div className="sim-body">
              <span className="sim-tag">{t('pay.simulated')}</span>
              <p className="muted">{t('pay.merchant')}</p>
              <p className="sim-amount">{amount}</p>
              <dl className="facts">
                <div><dt>{t('pay.subject')}</dt><dd>{t('closure.paySubject', { number: spacedNumber(order.number) })}</dd></div>
                <div><dt>{t('pay.paymentNo')}</dt><dd>{opened.paymentNo}</dd></div>
              </dl>
              {paying.error ? <Notice tone="error">{errorText(t, paying.error)}</Notice> : null}
            </div>
          </div>
        ) : (
          <>
            <p>{t('closure.payLead', { amount })}</p>
            <fieldset className="channels">
              <legend>{t('pay.channel')}</legend>
              {CHANNELS.map((c) => (
                <label key={c} className={`channel-option${channel === c ? ' channel-on' : ''}`}>
                  <input type="radio" name="penalty-channel" value={c} checked={channel === c} onChange={() => setChannel(c)} />
                  <span className={`channel-mark mark-${c}`} aria-hidden="true">{t(`channel.${c}.mark`)}</span>
                  <strong>{t(`channel.${c}`)}</strong>
                </label>
              ))}
            </fieldset>
            {starting.error ? <Notice tone="error">{errorText(t, starting.error)}</Notice> : null}
          </>
        )}
      </Dialog>
    </>
  );
}
