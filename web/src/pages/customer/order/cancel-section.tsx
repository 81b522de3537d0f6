// The cancel entry, on the order itself (the brief: never buried in a menu). Its label says whether and how the
// order can be cancelled now; nothing happens before the person has seen the consequences and confirmed.
import { useState, type ComponentType } from 'react';
import { api, type CancelAction, type CancellationPreview, type Order } from '../../../api.ts';
import { useAction } from '../../../hooks.ts';
import { errorText, useI18n } from '../../../i18n/index.ts';
import { yuan } from '../../../format.ts';
import { Button } from '../../../ui/button.tsx';
import { Dialog } from '../../../ui/dialog.tsx';
import { ChoiceGroup } from '../../../ui/field.tsx';
import { Notice } from '../../../ui/notice.tsx';
import { CancelBadge, deadlinePassed, reasonKey } from './words.tsx';
import { ApplyCancel, RequestStatus } from './apply-cancel.tsx';
import { CloseAccount, TrialUnsubscribe } from './line-section.tsx';

/** Reasons are sent as the platform's reason codes, so that operators can count them (wrong plan vs wrong address ...). */
export const CANCEL_REASONS = ['changed_mind', 'wrong_plan', 'number_not_liked', 'wrong_address', 'price', 'duplicate_order', 'other'] as const;
type Reason = (typeof CANCEL_REASONS)[number];

/**
 * What each label action offers. Courier interception is asked for like any paid-order cancellation (through an
 * agent); the unactivated return has its own section on the order page, since it lives on after the label.
 */
const ACTIONS: Partial<Record<CancelAction, ComponentType<{ order: Order; onDone: (o: Order) => void }>>> = {
  cancel: OneStepCancel,
  apply_cancel: ApplyCancel,
  request_interception: ApplyCancel,
  unsubscribe_trial: TrialUnsubscribe,
  close_account: CloseAccount,
};

/** A request still being worked on: no second one is offered until it is decided. */
const BUSY_STAGES = new Set(['under_review', 'intercepting', 'cancelling']);

export function CancelSection({ order, now, onChange, onRefresh }: { order: Order; now: number; onChange: (o: Order) => void; onRefresh?: () => void }) {
  const { t, fromServer } = useI18n();
  const expired = deadlinePassed(order, now);
  const label = expired ? { ...order.cancellation, label: 'not_cancellable' as const, colour: 'grey' as const, action: 'none' as const } : order.cancellation;
  const requestId = order.cancellation.requestId ?? null;
  const busy = BUSY_STAGES.has(order.cancellation.progress?.stage ?? '');
  const Action = busy ? undefined : ACTIONS[label.action];
  const vars = { days: order.plan.activationWindowDays, trial: order.plan.trialDays };
  return (
    <section className="card cancel-section" aria-labelledby="cancel-title">
      <div className="card-head">
        <h2 id="cancel-title">{t('cancel.title')}</h2>
        <CancelBadge label={label} />
      </div>
      <p className="cancel-reason">{expired ? t('reason.pending_payment.expired') : fromServer(label.reason, reasonKey(order), vars)}</p>
      {Action && <Action order={order} onDone={onChange} />}
      {requestId && <RequestStatus requestId={requestId} version={`${order.state}:${order.updatedAt}:${order.cancellation.progress?.stage ?? ''}`} onChange={() => onRefresh?.()} />}
    </section>
  );
}

function OneStepCancel({ order, onDone }: { order: Order; onDone: (o: Order) => void }) {
  const { t, fromServer } = useI18n();
  const [open, setOpen] = useState(false);
  const [preview, setPreview] = useState<CancellationPreview | null>(null);
  const [reason, setReason] = useState<Reason | null>(null);
  const loading = useAction();
  const cancelling = useAction();

  const start = async () => {
    setReason(null);
    const p = await loading.run(() => api.cancellation(order.id));
    if (p) {
      setPreview(p);
      setOpen(true);
    }
  };
  const confirm = async () => {
    const o = await cancelling.run((key) => api.cancel(order.id, reason ?? undefined, key));
    if (o) {
      setOpen(false);
      onDone(o);
    }
  };

  const c = preview?.consequences;
  return (
    <>
      <Button variant="danger-outline" onClick={start} busy={loading.busy}>{t('cancel.entry')}</Button>
      {loading.error ? <Notice tone="error">{errorText(t, loading.error)}</Notice> : null}
      <Dialog open={open} onClose={() => setOpen(false)} title={preview?.oneStep ? t('cancel.dialogTitle') : t('cancel.notNow')}
        actions={preview?.oneStep ? (
          <>
            <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>{t('cancel.keep')}</Button>
            <Button variant="danger" onClick={confirm} busy={cancelling.busy}>{t('cancel.confirm')}</Button>
          </>
        ) : <Button onClick={() => setOpen(false)}>{t('common.ok')}</Button>}>
        {preview && (
          <>
            <p>{fromServer(preview.explanation, preview.oneStep ? 'preview.explanation.unpaid' : reasonKey(order))}</p>
            {c && (
              <>
                <dl className="facts consequences">
                  <div><dt>{t('preview.charged')}</dt><dd>{yuan(c.chargedFen)}</dd></div>
                  <div><dt>{t('preview.refund')}</dt><dd>{yuan(c.refundFen)}</dd></div>
                  <div><dt>{t('preview.penalty')}</dt><dd>{yuan(c.penaltyFen)}</dd></div>
                </dl>
                <ul className="consequence-list">
                  <li>{fromServer(c.numberText, c.number === 'released' ? 'preview.number.released' : 'preview.number.kept', { number: order.number })}</li>
                  <li>{fromServer(c.reorderDiscount.text, c.reorderDiscount.keeps ? 'preview.reorder.keeps' : 'preview.reorder.loses')}</li>
                </ul>
                <ChoiceGroup legend={t('cancel.reasonLegend')} name="cancel-reason" value={reason} onChange={setReason}
                  options={CANCEL_REASONS.map((r) => ({ value: r, label: t(`cancelReason.${r}`) }))} />
              </>
            )}
            {preview.confirmationText && <p className="confirm-text">{fromServer(preview.confirmationText, 'preview.confirmText')}</p>}
            {cancelling.error ? <Notice tone="error">{errorText(t, cancelling.error)}</Notice> : null}
          </>
        )}
      </Dialog>
    </>
  );
}
