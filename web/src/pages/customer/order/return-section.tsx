// Unactivated return (未激活退货): inside the activation window the order was sold with, the customer gives a reason, applies, reads where to send the
// card and what to enclose, gives the return tracking number, and follows the inspection to the refund date (or
// the refusal and its reason). Past the window the cancel section's label already says plainly why not.
import { useEffect, useRef, useState } from 'react';
import { api, type Order, type Reason, type ReturnView } from '../../../api.ts';
import { useAction, useLoad } from '../../../hooks.ts';
import { errorText, invalidFields, useI18n, type T } from '../../../i18n/index.ts';
import { dateTime } from '../../../format.ts';
import { Badge, type Tone } from '../../../ui/badge.tsx';
import { Button } from '../../../ui/button.tsx';
import { Dialog } from '../../../ui/dialog.tsx';
import { ChoiceGroup, TextArea, TextField } from '../../../ui/field.tsx';
import { Notice } from '../../../ui/notice.tsx';
import { reasonLabel } from './apply-cancel.tsx';

const DAY = 86_400_000;
const OPEN = new Set<ReturnView['state']>(['awaiting_parcel', 'in_transit', 'received']);
const TONE: Record<ReturnView['state'], Tone> = { awaiting_parcel: 'amber', in_transit: 'blue', received: 'blue', passed: 'green', refused: 'red', closed_unreceived: 'grey' };
/** The courier's own rule for a waybill number, checked before sending (the server checks the same). */
const TRACKING_NO = /^[A-Za-z0-9-]{6,40}$/;

/** The returns that concern the customer: a card they send back themselves. */
const own = (rs: ReturnView[]) => rs.filter((r) => r.kind === 'unactivated');

export function ReturnSection({ order, version, onChange }: { order: Order; version: string; onChange: () => void }) {
  const { t } = useI18n();
  const canApply = order.cancellation.action === 'return_unactivated';
  const relevant = canApply || order.state === 'delivered' || (order.state === 'cancelled' && order.closeReason === 'returned');
  // While an agent has the card, the page follows the inspection without a reload.
  const list = useLoad(() => (relevant ? api.returns(order.id) : Promise.resolve({ returns: [] })), [order.id, version, relevant],
    (d) => (d && own(d.returns).some((r) => OPEN.has(r.state)) ? 4000 : null));
  const returns = own(list.data?.returns ?? []);
  const latest = returns[returns.length - 1];
  const open = latest && OPEN.has(latest.state);
  // An inspection decided while the page was open moves the order too (a pass cancels it): read it again.
  const seen = useRef<string | null>(null);
  const stamp = latest ? `${latest.id}:${latest.state}` : null;
  useEffect(() => {
    if (seen.current !== null && stamp !== null && seen.current !== stamp) onChange();
    seen.current = stamp;
  }, [stamp]);
  if (!relevant || !list.data) return list.error ? <Notice tone="error">{errorText(t, list.error)}</Notice> : null;
  if (!canApply && returns.length === 0) return null;

  return (
    <section className="card return-section" aria-labelledby="return-title" data-testid="return-section">
      <div className="card-head">
        <h2 id="return-title">{t('return.title')}</h2>
        {latest && <Badge tone={TONE[latest.state]}>{t(`return.state.${latest.state}`)}</Badge>}
      </div>
      {latest && <ReturnProgress ret={latest} onChange={(r) => list.setData({ returns: (list.data?.returns ?? []).map((x) => (x.id === r.id ? r : x)) })} />}
      {canApply && !open && <ApplyReturn order={order} refused={latest?.state === 'refused'} onDone={(r) => { list.setData({ returns: [...(list.data?.returns ?? []), r] }); }} />}
    </section>
  );
}

/** The window, counted from delivery: how many days are left and the moment it ends. */
function windowText(t: T, order: Order): string | null {
  const end = order.cancellation.validUntil;
  if (end == null) return null;
  const left = Math.max(0, Math.ceil((end - Date.now()) / DAY));
  return t('return.window', { days: left, date: dateTime(end) });
}

function ApplyReturn({ order, refused, onDone }: { order: Order; refused: boolean; onDone: (r: ReturnView) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const applying = useAction();
  const windowLine = windowText(t, order);
  // The same reasons as any other cancellation, so operators read why cards come back beside why orders are cancelled.
  const reasons = useLoad(() => (open ? api.reasons() : Promise.resolve({ reasons: [] as Reason[] })), [open]);
  const [reason, setReason] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [missing, setMissing] = useState(false);
  const apply = async () => {
    if (!reason) return setMissing(true);
    const r = await applying.run((key) => api.applyReturn(order.id, { reasonCode: reason, ...(text.trim() ? { reasonText: text.trim() } : {}) }, key));
    if (r) {
      setOpen(false);
      onDone(r);
    }
  };
  return (
    <div className="return-apply">
      {windowLine && <p data-testid="return-window">{windowLine}</p>}
      <p className="muted">{t(refused ? 'return.applyAgainLead' : 'return.applyLead', { days: order.plan.activationWindowDays })}</p>
      <Button variant="danger-outline" onClick={() => setOpen(true)}>{t('return.entry')}</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t('return.dialogTitle')}
        actions={<>
          <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>{t('cancel.keep')}</Button>
          <Button variant="danger" onClick={apply} busy={applying.busy}>{t('return.confirm')}</Button>
        </>}>
        <ol className="steps-list">
          <li>{t('return.step.send')}</li>
          <li>{t('return.step.tracking')}</li>
          <li>{t('return.step.inspect')}</li>
          <li>{t('return.step.refund')}</li>
        </ol>
        <p className="muted">{t('return.notActivated')}</p>
        {windowLine && <p>{windowLine}</p>}
        <ChoiceGroup legend={t('return.reason')} name="return-reason" value={reason} onChange={(v) => { setReason(v); setMissing(false); }}
          options={(reasons.data?.reasons ?? []).map((r) => ({ value: r.code, label: reasonLabel(t, r.code, r.label) }))} />
        {missing && <p className="field-error" role="alert">{t('return.reasonMissing')}</p>}
        <TextArea label={t('return.reasonText')} value={text} maxLength={500} onChange={(e) => setText(e.target.value)} />
        {applying.error ? <Notice tone="error">{errorText(t, applying.error)}</Notice> : null}
      </Dialog>
    </div>
  );
}

function ReturnProgress({ ret, onChange }: { ret: ReturnView; onChange: (r: ReturnView) => void }) {
  const { t } = useI18n();
  return (
    <div className="return-progress" data-testid="return-progress">
      <p>{t(`return.text.${ret.state}`)}</p>
      {ret.reasonCode && <p className="muted">{t('return.yourReason', { reason: reasonLabel(t, ret.reasonCode) })}{ret.reasonText ? ` · ${ret.reasonText}` : ''}</p>}
      {ret.instructions && (
        <div className="return-instructions" aria-labelledby={`ri-${ret.id}`}>
          <h3 id={`ri-${ret.id}`}>{t('return.instructions')}</h3>
          <dl className="facts">
            <div><dt>{t('return.to')}</dt><dd>{ret.instructions.address.name} · {ret.instructions.address.phone}</dd></div>
            <div><dt>{t('return.address')}</dt><dd data-testid="return-address">{ret.instructions.address.address}</dd></div>
            <div><dt>{t('return.orderNo')}</dt><dd>{ret.instructions.orderId}</dd></div>
          </dl>
          <p className="form-section">{t('return.enclose')}</p>
          <ul className="enclose-list">
            <li>{t('return.enclose.card')}</li>
            <li>{t('return.enclose.orderNo', { id: ret.instructions.orderId })}</li>
            <li>{t('return.enclose.idCopy')}</li>
          </ul>
          <p className="muted">{t('return.closesAt', { time: dateTime(ret.instructions.closesAt) })}</p>
        </div>
      )}
      {ret.returnTrackingNo && <p className="muted">{t('return.trackingGiven', { no: ret.returnTrackingNo })}</p>}
      {(ret.state === 'awaiting_parcel' || ret.state === 'in_transit') && <TrackingForm ret={ret} onDone={onChange} />}
      {ret.state === 'passed' && ret.refund && (
        <Notice tone="success" title={t('return.passedTitle')}>
          <span data-testid="return-refund">{ret.refund.earliest === ret.refund.latest
            ? t('refund.arrivesOn', { date: ret.refund.earliest })
            : t('refund.arrivesBetween', { from: ret.refund.earliest, to: ret.refund.latest })}</span>
          {' '}{t('return.refundRule')}
        </Notice>
      )}
      {ret.state === 'refused' && (
        <Notice tone="warning" title={t('return.refusedTitle')}>
          {ret.rejectionReason && <p data-testid="return-refusal">{ret.rejectionReason}</p>}
          <p>{t('return.sentBack')}</p>
        </Notice>
      )}
      {ret.inspectedAt && <p className="muted">{t('return.inspectedAt', { time: dateTime(ret.inspectedAt) })}</p>}
    </div>
  );
}

function TrackingForm({ ret, onDone }: { ret: ReturnView; onDone: (r: ReturnView) => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState(ret.returnTrackingNo ?? '');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const sending = useAction();
  const submit = async () => {
    const no = value.trim();
    if (!TRACKING_NO.test(no)) return setFieldError(t('return.trackingInvalid'));
    setFieldError(null);
    const r = await sending.run((key) => api.returnTracking(ret.id, no, key));
    if (r) onDone(r);
  };
  const serverField = invalidFields(sending.error).length > 0;
  return (
    <form className="form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <TextField label={t(ret.returnTrackingNo ? 'return.trackingFix' : 'return.trackingLabel')} hint={t('return.trackingHint')}
        value={value} onChange={(e) => setValue(e.target.value)} error={fieldError ?? (serverField ? t('return.trackingInvalid') : null)}
        autoComplete="off" maxLength={40} inputMode="text" />
      {sending.error && !serverField ? <Notice tone="error">{errorText(t, sending.error)}</Notice> : null}
      <div><Button type="submit" busy={sending.busy}>{t('return.trackingSubmit')}</Button></div>
    </form>
  );
}
