// Ordering in three steps: pick a number, fill in who and where, then check everything before it is placed
// (the brief: a customer who checks plan, contract, address and contact first needs to cancel less often).
import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type NumberResource, type Plan } from '../../api.ts';
import { withRef } from '../distribution/api.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { errorText, invalidFields, useI18n, type Key } from '../../i18n/index.ts';
import { maskId, spacedNumber, yuan } from '../../format.ts';
import { navigate } from '../../router.tsx';
import { session } from '../../session.ts';
import { isResidentId, PHONE } from '../../validate.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { NumberPicker } from './number-picker.tsx';
import { PlanFacts } from './plan-facts.tsx';

type Step = 'number' | 'details' | 'check';
const STEPS: Step[] = ['number', 'details', 'check'];

interface Details { contactName: string; contactPhone: string; residentId: string; province: string; city: string; district: string; detail: string }
type Errors = Partial<Record<keyof Details, string>>;

export function CheckoutPage({ params }: { params: Record<string, string> }) {
  const { t } = useI18n();
  const { data: plan, error: planError } = useLoad(() => api.plan(params.planId!), [params.planId]);
  const [step, setStep] = useState<Step>('number');
  const [number, setNumber] = useState<NumberResource | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [details, setDetails] = useState<Details>(() => ({
    contactName: '', contactPhone: session.get('customer')?.phone ?? '', residentId: '', province: '', city: '', district: '', detail: '',
  }));
  const [errors, setErrors] = useState<Errors>({});
  const placing = useAction();
  const heading = useRef<HTMLHeadingElement>(null);

  const go = (s: Step) => {
    setStep(s);
    // Move focus with the step so a keyboard or screen-reader user starts at its heading.
    window.setTimeout(() => heading.current?.focus(), 0);
  };

  if (planError) return <Notice tone="error">{errorText(t, planError)}</Notice>;
  if (!plan) return <Loading label={t('common.loading')} />;

  const validate = (): Errors => {
    const e: Errors = {};
    const d = details;
    if (!d.contactName.trim()) e.contactName = t('form.required');
    if (!PHONE.test(d.contactPhone)) e.contactPhone = t('form.phone.invalid');
    if (!isResidentId(d.residentId)) e.residentId = t('form.residentId.invalid');
    for (const k of ['province', 'city', 'district', 'detail'] as const) if (!d[k].trim()) e[k] = t('form.required');
    return e;
  };

  const toCheck = (ev: FormEvent) => {
    ev.preventDefault();
    const e = validate();
    setErrors(e);
    if (Object.keys(e).length === 0) go('check');
  };

  // A refusal sends the person back to the step where it can be put right.
  const sendBack = (e: unknown): boolean => {
    if (!(e instanceof ApiError)) return false;
    if (e.code === 'NUMBER.UNAVAILABLE' || e.code === 'NUMBER.NOT_FOUND') {
      setNotice(errorText(t, e));
      setNumber(null);
      setRefresh((r) => r + 1);
      go('number');
      return true;
    }
    const fields = invalidFields(e);
    if (e.code === 'CUSTOMER.INVALID_RESIDENT_ID' || fields.length > 0) {
      const next: Errors = {};
      if (e.code === 'CUSTOMER.INVALID_RESIDENT_ID') next.residentId = t('form.residentId.invalid');
      for (const f of fields) {
        const k = f.replace(/^address\./, '');
        if (k in details) next[k as keyof Details] = t('form.checkField');
      }
      setErrors(next);
      go('details');
      return true;
    }
    return false;
  };

  const place = async () => {
    setNotice(null);
    const d = details;
    const order = await placing.run((key) => api.placeOrder({
      planId: plan.id, numberId: number!.id, contactName: d.contactName.trim(), contactPhone: d.contactPhone, residentId: d.residentId.trim().toUpperCase(),
      address: { province: d.province.trim(), city: d.city.trim(), district: d.district.trim(), detail: d.detail.trim() },
      ...withRef(plan.id),
    }, key), sendBack);
    if (order) navigate(`/orders/${encodeURIComponent(order.id)}`, { replace: true });
  };

  const field = (k: keyof Details, label: Key, more: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField label={t(label)} value={details[k]} error={errors[k]} onChange={(e) => setDetails({ ...details, [k]: e.target.value })} {...more} />
  );

  return (
    <section className="checkout">
      <p className="muted back-line">{plan.name}</p>
      <ol className="steps" aria-label={t('checkout.steps')}>
        {STEPS.map((s, i) => (
          <li key={s} className={s === step ? 'step-on' : STEPS.indexOf(step) > i ? 'step-done' : ''} aria-current={s === step ? 'step' : undefined}>
            <span className="step-no">{i + 1}</span>{t(`checkout.step.${s}`)}
          </li>
        ))}
      </ol>
      <h1 ref={heading} tabIndex={-1}>{t(`checkout.title.${step}`)}</h1>
      {notice && <Notice tone="warning">{notice}</Notice>}

      {step === 'number' && (
        <>
          <p className="muted">{t('checkout.numberLead', { carrier: t(`carrier.${plan.carrier}`) })}</p>
          <NumberPicker carrier={plan.carrier} selected={number} onSelect={(n) => { setNumber(n); setNotice(null); }} refresh={refresh} />
          <div className="sticky-actions">
            <span className="muted">{number ? t('checkout.picked', { number: spacedNumber(number.number) }) : t('checkout.pickOne')}</span>
            <Button disabled={!number} onClick={() => go('details')}>{t('common.next')}</Button>
          </div>
        </>
      )}

      {step === 'details' && (
        <form className="card form" onSubmit={toCheck} noValidate>
          <h2 className="form-section">{t('checkout.contact')}</h2>
          {field('contactName', 'form.contactName', { autoComplete: 'name', maxLength: 40 })}
          {field('contactPhone', 'form.contactPhone', { inputMode: 'numeric', autoComplete: 'tel-national', maxLength: 11 })}
          {field('residentId', 'form.residentId', { hint: t('form.residentId.hint'), maxLength: 18, autoComplete: 'off' })}
          <h2 className="form-section">{t('checkout.address')}</h2>
          <div className="grid-3">
            {field('province', 'form.province', { autoComplete: 'address-level1', maxLength: 50 })}
            {field('city', 'form.city', { autoComplete: 'address-level2', maxLength: 50 })}
            {field('district', 'form.district', { autoComplete: 'address-level3', maxLength: 50 })}
          </div>
          {field('detail', 'form.detail', { autoComplete: 'street-address', maxLength: 200 })}
          <div className="form-actions">
            <Button variant="secondary" onClick={() => go('number')}>{t('common.back')}</Button>
            <Button type="submit">{t('checkout.toCheck')}</Button>
          </div>
        </form>
      )}

      {step === 'check' && number && (
        <CheckStep plan={plan} number={number} details={details} busy={placing.busy} error={placing.error}
          onEdit={() => go('details')} onPlace={place} />
      )}
    </section>
  );
}

function CheckStep({ plan, number, details: d, busy, error, onEdit, onPlace }: {
  plan: Plan; number: NumberResource; details: Details; busy: boolean; error: unknown; onEdit: () => void; onPlace: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className="check">
      <p className="muted">{t('checkout.checkLead')}</p>
      <div className="card">
        <h2>{t('checkout.planSection')}</h2>
        <p className="check-title">{plan.name} · {t(`carrier.${plan.carrier}`)}</p>
        <p>{t('checkout.monthly', { fee: yuan(plan.monthlyFeeFen) })}</p>
        <PlanFacts plan={plan} />
        {plan.contractMonths > 0 && <p className="hint-line">{t('checkout.contractNote', { n: plan.contractMonths })}</p>}
      </div>
      <div className="card">
        <h2>{t('checkout.numberSection')}</h2>
        <p className="check-number">{spacedNumber(number.number)}</p>
        <dl className="facts">
          <div><dt>{t('checkout.cardFee')}</dt><dd>{yuan(plan.priceFen)}</dd></div>
          <div><dt>{t('checkout.numberFee')}</dt><dd>{yuan(number.priceFen)}</dd></div>
          <div className="total"><dt>{t('checkout.total')}</dt><dd>{yuan(plan.priceFen + number.priceFen)}</dd></div>
        </dl>
      </div>
      <div className="card">
        <div className="card-head">
          <h2>{t('checkout.deliverySection')}</h2>
          <button type="button" className="link-button" onClick={onEdit}>{t('common.edit')}</button>
        </div>
        <dl className="facts">
          <div><dt>{t('form.contactName')}</dt><dd>{d.contactName.trim()}</dd></div>
          <div><dt>{t('form.contactPhone')}</dt><dd>{d.contactPhone}</dd></div>
          <div><dt>{t('form.residentId')}</dt><dd>{maskId(d.residentId.trim().toUpperCase())}</dd></div>
          <div><dt>{t('checkout.address')}</dt><dd>{`${d.province.trim()} ${d.city.trim()} ${d.district.trim()} ${d.detail.trim()}`}</dd></div>
        </dl>
      </div>
      <Notice tone="info">{t('checkout.afterPlacing')}</Notice>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      <div className="form-actions">
        <Button variant="secondary" onClick={onEdit}>{t('checkout.editDetails')}</Button>
        <Button onClick={onPlace} busy={busy}>{t('checkout.place')}</Button>
      </div>
    </div>
  );
}
