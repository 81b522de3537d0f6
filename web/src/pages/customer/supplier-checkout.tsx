// Ordering a supplier's plan: its terms first (first top-up, contract, promotion, regions, number home), a number
// picked from the supplier's pool and held there, the details checked against the plan's conditions as they are
// typed (a refusal says what would work), then the order. A free card needs no payment.
import { useState, type FormEvent } from 'react';
import { ApiError, type Address } from '../../api.ts';
import { suppliersApi, type Hold, type Refusal } from '../../api-suppliers.ts';
import { withRef } from '../distribution/api.ts';
import { useAction, useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { spacedNumber, yuan } from '../../format.ts';
import { navigate } from '../../router.tsx';
import { session } from '../../session.ts';
import { isResidentId, PHONE } from '../../validate.ts';
import { Button } from '../../ui/button.tsx';
import { TextField } from '../../ui/field.tsx';
import { Empty, Loading, Notice } from '../../ui/notice.tsx';

interface Details { contactName: string; contactPhone: string; residentId: string; province: string; city: string; district: string; detail: string }

const shanghaiTime = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);

export function SupplierCheckoutPage({ params }: { params: Record<string, string> }) {
  const { t } = useI18n();
  const planId = params.planId!;
  const { data: view, error: viewError } = useLoad(() => suppliersApi.plan(planId), [planId]);
  const [tail, setTail] = useState('');
  const [search, setSearch] = useState('');
  const { data: pool, error: poolError } = useLoad(() => suppliersApi.pool(planId, { limit: 12, ...(search ? { tail: search } : {}) }), [planId, search]);
  const [hold, setHold] = useState<Hold | null>(null);
  const [details, setDetails] = useState<Details>(() => ({ contactName: '', contactPhone: session.get('customer')?.phone ?? '', residentId: '', province: '', city: '', district: '', detail: '' }));
  const [refusals, setRefusals] = useState<Refusal[] | null>(null);
  const holding = useAction();
  const placing = useAction();

  if (viewError) return <Notice tone="error">{errorText(t, viewError)}</Notice>;
  if (!view) return <Loading label={t('common.loading')} />;

  const address = (): Address | undefined => {
    const d = details;
    return d.province.trim() && d.city.trim() && d.district.trim() && d.detail.trim()
      ? { province: d.province.trim(), city: d.city.trim(), district: d.district.trim(), detail: d.detail.trim() } : undefined;
  };

  // As the customer types: each field that is complete is checked against the plan's conditions.
  const check = async () => {
    const body = {
      ...(isResidentId(details.residentId) ? { residentId: details.residentId.trim().toUpperCase() } : {}),
      ...(PHONE.test(details.contactPhone) ? { contactPhone: details.contactPhone } : {}),
      ...(address() ? { address: address()! } : {}),
    };
    if (Object.keys(body).length === 0) return;
    try {
      setRefusals((await suppliersApi.eligibility(planId, body)).refusals);
    } catch {
      setRefusals(null);
    }
  };

  const pick = async (number: string) => {
    const h = await holding.run(() => suppliersApi.hold(planId, number));
    if (h) setHold(h);
  };

  const place = async (ev: FormEvent) => {
    ev.preventDefault();
    const a = address();
    if (!hold || !a || !isResidentId(details.residentId) || !PHONE.test(details.contactPhone) || !details.contactName.trim()) return;
    const order = await placing.run((key) => suppliersApi.order({
      planId, reservationId: hold.reservationId, contactName: details.contactName.trim(), contactPhone: details.contactPhone,
      residentId: details.residentId.trim().toUpperCase(), address: a, ...withRef(planId),
    }, key), (e) => {
      if (e instanceof ApiError && Array.isArray(e.details.refusals)) {
        setRefusals(e.details.refusals as Refusal[]);
        // The number went back to the supplier with the refusal: it is picked again once the details are right.
        setHold(null);
      }
      return false;
    });
    if (order) navigate(`/orders/${encodeURIComponent(order.id)}`, { replace: true });
  };

  const field = (k: keyof Details, label: Parameters<typeof t>[0], more: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField label={t(label)} value={details[k]} onChange={(e) => setDetails({ ...details, [k]: e.target.value })} onBlur={() => void check()} {...more} />
  );

  return (
    <section className="checkout">
      <h1>{view.plan.name}</h1>
      <div className="card">
        <h2>{t('supplier.disclosure')}</h2>
        <ul>{view.lines.map((l) => <li key={l}>{l}</li>)}</ul>
      </div>

      <div className="card">
        <h2>{t('supplier.pick')}</h2>
        <form className="search-row" role="search" onSubmit={(e) => { e.preventDefault(); setSearch(tail); }}>
          <TextField label={t('supplier.tail')} value={tail} inputMode="numeric" onChange={(e) => setTail(e.target.value.replace(/\D/g, '').slice(0, 8))} />
          <Button type="submit" variant="secondary">{t('supplier.search')}</Button>
        </form>
        {poolError ? <Notice tone="error">{errorText(t, poolError)}</Notice> : null}
        {!pool && !poolError && <Loading label={t('common.loading')} />}
        {pool && pool.numbers.length === 0 && <Empty title={t('supplier.none')} />}
        <div className="number-grid">
          {(pool?.numbers ?? []).map((n) => (
            <button key={n.number} type="button" className={`number-option${hold?.number === n.number ? ' number-on' : ''}`} disabled={holding.busy} onClick={() => void pick(n.number)}>
              <span className="number-digits">{spacedNumber(n.number)}</span>
              <span className="number-price">{n.vanity.level > 0 ? t('supplier.vanity', { label: n.vanity.matched[0]?.label ?? '', fee: yuan(n.priceFen) }) : t('supplier.plain')}</span>
            </button>
          ))}
        </div>
        {holding.error ? <Notice tone="error">{errorText(t, holding.error)}</Notice> : null}
        {hold && <Notice tone="info">{t('supplier.held', { number: spacedNumber(hold.number), time: shanghaiTime(hold.expiresAt) })}</Notice>}
      </div>

      <form className="card form" onSubmit={(e) => void place(e)} noValidate>
        <h2>{t('supplier.details')}</h2>
        {field('contactName', 'form.contactName', { autoComplete: 'name', maxLength: 40 })}
        {field('contactPhone', 'form.contactPhone', { inputMode: 'numeric', maxLength: 11 })}
        {field('residentId', 'form.residentId', { maxLength: 18, autoComplete: 'off' })}
        <div className="grid-3">
          {field('province', 'form.province', { maxLength: 50 })}
          {field('city', 'form.city', { maxLength: 50 })}
          {field('district', 'form.district', { maxLength: 50 })}
        </div>
        {field('detail', 'form.detail', { maxLength: 200 })}
        {refusals && refusals.length === 0 && <Notice tone="info">{t('supplier.eligible')}</Notice>}
        {refusals?.map((r) => <Notice key={r.code} tone="warning">{errorText(t, new ApiError(r.code, 422))}</Notice>)}
        {placing.error ? <Notice tone="error">{errorText(t, placing.error)}</Notice> : null}
        <div className="form-actions">
          <Button type="submit" busy={placing.busy} disabled={!hold || (refusals?.length ?? 0) > 0}>{t('supplier.place')}</Button>
        </div>
      </form>
    </section>
  );
}
