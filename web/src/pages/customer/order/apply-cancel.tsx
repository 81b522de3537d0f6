// Applying to cancel a paid or packing order: first what could be done instead, then the reason and what will
// happen (express refund now, or an agent's review within the SLA); then the request is followed on the page.
import { useEffect, useState, type ChangeEvent } from 'react';
import { api, type Alternative, type CancellationPreview, type Order, type Reason, type RequestView } from '../../../api.ts';
import { useAction, useLoad } from '../../../hooks.ts';
import { errorText, isKey, useI18n, type T } from '../../../i18n/index.ts';
import { dateTime, yuan } from '../../../format.ts';
import { Badge, type Tone } from '../../../ui/badge.tsx';
import { Button } from '../../../ui/button.tsx';
import { Dialog } from '../../../ui/dialog.tsx';
import { ChoiceGroup, SwitchField, TextArea, TextField } from '../../../ui/field.tsx';
import { Notice } from '../../../ui/notice.tsx';
import { AddressFields, useAddressForm } from './address-form.tsx';

type Step = 'offers' | 'address' | 'form';

export function ApplyCancel({ order, onDone }: { order: Order; onDone: (o: Order) => void }) {
  const { t, fromServer } = useI18n();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<Step>('offers');
  const [preview, setPreview] = useState<CancellationPreview | null>(null);
  const [reasons, setReasons] = useState<Reason[]>([]);
  const [offers, setOffers] = useState<Alternative[]>([]);
  const [kept, setKept] = useState<string | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [missing, setMissing] = useState(false);
  const [addressOffer, setAddressOffer] = useState<Alternative | null>(null);
  const address = useAddressForm(order.address);
  const loading = useAction();
  const answering = useAction();
  const applying = useAction();
  const moving = useAction();

  useEffect(() => {
    if (step === 'address') document.querySelector<HTMLInputElement>('.address-form input')?.focus();
  }, [step]);

  const start = async () => {
    setKept(null);
    setReason(null);
    setText('');
    setUrgent(order.state === 'packing');
    setMissing(false);
    const r = await loading.run(() => Promise.all([api.cancellation(order.id), api.reasons(), api.alternatives(order.id)]));
    if (!r) return;
    setPreview(r[0]);
    setReasons(r[1].reasons);
    const open = r[2].alternatives.filter((a) => a.status === 'offered');
    setOffers(open);
    setStep(open.length > 0 ? 'offers' : 'form');
    setOpen(true);
  };

  const accept = async (a: Alternative) => {
    // Changing the address is done here and now: the form first, the offer counts as taken once the address is saved.
    if (a.kind === 'change_address') {
      address.setValue(order.address);
      setAddressOffer(a);
      setStep('address');
      return;
    }
    const r = await answering.run((key) => api.answerOffer(order.id, a.offerId, 'accepted', key));
    if (r) {
      setOpen(false);
      setKept(r.ticketId ? t('apply.kept.ticket', { id: r.ticketId }) : t(a.kind === 'change_address' ? 'apply.kept.address' : 'apply.kept'));
    }
  };
  const saveAddress = async () => {
    const next = address.check();
    if (!next || !addressOffer) return;
    if (!address.changed(order.address)) return setStep('offers');
    const o = await moving.run((key) => api.changeAddress(order.id, next, key), address.fromServer);
    if (!o) return;
    // The address is what mattered; recording the answer to the offer is bookkeeping and may already be done.
    await answering.run((key) => api.answerOffer(order.id, addressOffer.offerId, 'accepted', key), () => true);
    setOpen(false);
    setKept(t('address.changed', { address: `${o.address.province} ${o.address.city} ${o.address.district} ${o.address.detail}` }));
    onDone(o);
  };
  const decline = async () => {
    const r = await answering.run((key) => api.declineAlternatives(order.id, key));
    if (r) setStep('form');
  };

  const submit = async () => {
    if (!reason) return setMissing(true);
    const r = await applying.run((key) => api.applyCancel(order.id, { reasonCode: reason, ...(text.trim() ? { reasonText: text.trim() } : {}), urgent }, key));
    if (r) {
      setOpen(false);
      onDone(r.order);
    }
  };

  const express = preview?.path === 'express';
  const c = preview?.consequences;
  const picked = reasons.find((r) => r.code === reason);
  return (
    <>
      <Button variant="danger-outline" onClick={start} busy={loading.busy}>{t('apply.entry')}</Button>
      {loading.error ? <Notice tone="error">{errorText(t, loading.error)}</Notice> : null}
      {kept && <Notice tone="success">{kept}</Notice>}
      <Dialog open={open} onClose={() => setOpen(false)} title={step === 'offers' ? t('apply.offersTitle') : step === 'address' ? t('address.title') : t('apply.title')}
        actions={step === 'address' ? (
          <>
            <Button variant="secondary" onClick={() => setStep('offers')}>{t('common.back')}</Button>
            <Button onClick={saveAddress} busy={moving.busy}>{t('address.save')}</Button>
          </>
        ) : step === 'offers' ? (
          <>
            <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>{t('cancel.keep')}</Button>
            <Button variant="danger-outline" onClick={decline} busy={answering.busy}>{t('apply.stillCancel')}</Button>
          </>
        ) : (
          <>
            <Button variant="secondary" onClick={() => setOpen(false)} data-autofocus>{t('cancel.keep')}</Button>
            <Button variant="danger" onClick={submit} busy={applying.busy}>{express ? t('apply.submitExpress') : t('apply.submit')}</Button>
          </>
        )}>
        {step === 'offers' && (
          <>
            <p>{t('apply.offersLead')}</p>
            <ul className="offers">
              {offers.map((a) => (
                <li key={a.offerId} className={a.fits ? 'fits' : ''}>
                  <strong>{a.title}</strong>
                  <span className="muted">{a.description}</span>
                  <div><Button variant="secondary" onClick={() => accept(a)} busy={answering.busy}>{t('apply.useOffer')}</Button></div>
                </li>
              ))}
            </ul>
            {answering.error ? <Notice tone="error">{errorText(t, answering.error)}</Notice> : null}
          </>
        )}
        {step === 'address' && (
          <>
            <p>{t('address.lead')}</p>
            <AddressFields form={address} />
            {moving.error ? <Notice tone="error">{errorText(t, moving.error)}</Notice> : null}
          </>
        )}
        {step === 'form' && preview && (
          <>
            <Notice tone={express ? 'success' : 'info'} title={express ? t('apply.path.express') : t('apply.path.review')}>
              {fromServer(preview.explanation, express ? 'apply.path.express.text' : 'apply.path.review.text')}
            </Notice>
            {c && (
              <dl className="facts consequences">
                <div><dt>{t('preview.refund')}</dt><dd>{yuan(c.refundFen)}</dd></div>
                <div><dt>{t('preview.penalty')}</dt><dd>{yuan(c.penaltyFen)}</dd></div>
                {preview.refund && (
                  <div><dt>{t('apply.expected')}</dt><dd>{arrival(t, preview.refund.expected)} · {t(`channel.${preview.refund.channel}`)}</dd></div>
                )}
              </dl>
            )}
            {c && <p className="muted">{fromServer(c.numberText, c.number === 'released' ? 'preview.number.released' : 'preview.number.kept', { number: order.number })}</p>}
            <ChoiceGroup legend={t('apply.reason')} name="apply-reason" value={reason} onChange={(v) => { setReason(v); setMissing(false); }}
              options={reasons.map((r) => ({ value: r.code, label: reasonLabel(t, r.code, r.label) }))} />
            {missing && <p className="field-error" role="alert">{t('apply.reasonMissing')}</p>}
            {picked?.alternative && <Notice tone="info">{picked.alternative}</Notice>}
            <TextArea label={t('apply.text')} value={text} maxLength={500} onChange={(e) => setText(e.target.value)} />
            <SwitchField label={t('apply.urgent')} hint={t('apply.urgent.hint')} checked={urgent} onChange={setUrgent} />
            {applying.error ? <Notice tone="error">{errorText(t, applying.error)}</Notice> : null}
          </>
        )}
      </Dialog>
    </>
  );
}

/** "2026-12-01" or "2026-12-01 – 2026-12-03". */
/** A reason code in the person's language; a code an operator added shows its own label. */
export function reasonLabel(t: T, code: string, fallback = code): string {
  const k = `cancelReason.${code}`;
  return isKey(k) ? t(k) : fallback;
}

export function arrival(t: T, e: { earliest: string; latest: string }): string {
  return e.earliest === e.latest ? t('refund.arrivesOn', { date: e.earliest }) : t('refund.arrivesBetween', { from: e.earliest, to: e.latest });
}

const STAGE_TONE: Record<string, Tone> = { under_review: 'amber', intercepting: 'amber', cancelling: 'blue', cancelled: 'green', rejected: 'red', withdrawn: 'grey', superseded: 'grey' };
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_BYTES = 2 * 1024 * 1024;

/** Where the latest request stands: under review (with its due time), rejected with the agent's reason, done. */
export function RequestStatus({ requestId, version, onChange }: { requestId: string; version: string; onChange: () => void }) {
  const { t, fromServer } = useI18n();
  const { data: q, error, setData } = useLoad(() => api.request(requestId), [requestId, version]);
  const [confirmWithdraw, setConfirmWithdraw] = useState(false);
  const withdrawing = useAction();
  const flagging = useAction();
  if (!q) return error ? <Notice tone="error">{errorText(t, error)}</Notice> : null;

  const open = q.state === 'requested';
  const withdraw = async () => {
    const r = await withdrawing.run((key) => api.withdraw(q.id, key));
    if (r) {
      setConfirmWithdraw(false);
      setData(r);
      onChange();
    }
  };
  const stageKey = `stage.${q.progress.stage}`;
  const stage = isKey(stageKey) ? stageKey : 'stage.under_review';
  return (
    <div className="request-status" data-testid="request-status">
      <p className="row-actions">
        <Badge tone={STAGE_TONE[q.progress.stage] ?? 'grey'}>{t(stage)}</Badge>
        {q.express && <Badge tone="green">{t('refund.express')}</Badge>}
        {q.urgent && <Badge tone="red">{t('request.urgent')}</Badge>}
      </p>
      {q.state !== 'rejected' && <p>{fromServer(q.progress.text, stage)}</p>}
      {q.state === 'rejected' && q.rejectionReason && (
        <Notice tone="warning" title={t('request.rejectedTitle')}><span data-testid="rejection-reason">{q.rejectionReason}</span></Notice>
      )}
      <p className="muted">{t('request.applied', { time: dateTime(q.createdAt) })} · {reasonLabel(t, q.reasonCode)}{q.reasonText ? ` · ${q.reasonText}` : ''}</p>
      {open && <p className="muted">{t('request.dueBy', { time: dateTime(q.dueAt) })}</p>}
      {open && !q.identityVerified && <IdentityForm request={q} onDone={(r) => { setData(r); onChange(); }} />}
      {open && q.identityVerified && <Notice tone="success">{t('identity.done')}</Notice>}
      {open && (
        <div className="row-actions">
          {!q.urgent && <Button variant="secondary" busy={flagging.busy} onClick={async () => { const r = await flagging.run((key) => api.urgent(q.id, key)); if (r) setData(r); }}>{t('request.markUrgent')}</Button>}
          <Button variant="ghost" onClick={() => setConfirmWithdraw(true)}>{t('request.withdraw')}</Button>
        </div>
      )}
      {flagging.error ? <Notice tone="error">{errorText(t, flagging.error)}</Notice> : null}
      <Dialog open={confirmWithdraw} onClose={() => setConfirmWithdraw(false)} title={t('request.withdrawTitle')}
        actions={<>
          <Button variant="secondary" onClick={() => setConfirmWithdraw(false)} data-autofocus>{t('confirm.back')}</Button>
          <Button onClick={withdraw} busy={withdrawing.busy}>{t('request.withdrawConfirm')}</Button>
        </>}>
        <p>{t('request.withdrawText')}</p>
        {withdrawing.error ? <Notice tone="error">{errorText(t, withdrawing.error)}</Notice> : null}
      </Dialog>
    </div>
  );
}

function IdentityForm({ request, onDone }: { request: RequestView; onDone: (r: RequestView) => void }) {
  const { t } = useI18n();
  const [residentId, setResidentId] = useState('');
  const [file, setFile] = useState<{ contentType: string; dataBase64: string; name: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [idError, setIdError] = useState<string | null>(null);
  const sending = useAction();

  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    setFileError(null);
    setFile(null);
    const f = e.target.files?.[0];
    if (!f) return;
    if (!IMAGE_TYPES.includes(f.type)) return setFileError(t('identity.file.type'));
    if (f.size > MAX_BYTES) return setFileError(t('identity.file.size'));
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      setFile({ contentType: f.type, dataBase64: url.slice(url.indexOf(',') + 1), name: f.name });
    };
    reader.onerror = () => setFileError(t('identity.file.read'));
    reader.readAsDataURL(f);
  };

  const submit = async () => {
    const id = residentId.trim();
    if (!id && !file) return setIdError(t('identity.missing'));
    if (id && !/^\d{17}[\dXx]$/.test(id)) return setIdError(t('form.residentId.invalid'));
    setIdError(null);
    const r = await sending.run((key) => api.identity(request.id, { ...(id ? { residentId: id } : {}), ...(file ? { screenshot: { contentType: file.contentType, dataBase64: file.dataBase64 } } : {}) }, key));
    if (r) onDone(r);
  };

  return (
    <div className="form" aria-labelledby={`identity-${request.id}`}>
      <p className="form-section" id={`identity-${request.id}`}>{t('identity.title')}</p>
      <p className="muted">{t('identity.lead')}</p>
      <TextField label={t('identity.residentId')} value={residentId} onChange={(e) => setResidentId(e.target.value)} error={idError} autoComplete="off" maxLength={18} />
      <div className="field">
        <label htmlFor={`shot-${request.id}`}>{t('identity.file')}</label>
        <input id={`shot-${request.id}`} type="file" accept={IMAGE_TYPES.join(',')} onChange={pick} aria-describedby={`shot-${request.id}-hint`} />
        <p className="field-hint" id={`shot-${request.id}-hint`}>{file ? file.name : t('identity.file.hint')}</p>
        {fileError && <p className="field-error" role="alert">{fileError}</p>}
      </div>
      {sending.error ? <Notice tone="error">{errorText(t, sending.error)}</Notice> : null}
      <div><Button onClick={submit} busy={sending.busy}>{t('identity.submit')}</Button></div>
    </div>
  );
}
