import { useState } from 'react';
import { api, type Carrier } from '../../api.ts';
import { useLoad } from '../../hooks.ts';
import { errorText, useI18n } from '../../i18n/index.ts';
import { yuan } from '../../format.ts';
import { navigate } from '../../router.tsx';
import { session } from '../../session.ts';
import { Badge } from '../../ui/badge.tsx';
import { Button } from '../../ui/button.tsx';
import { Loading, Notice } from '../../ui/notice.tsx';
import { PlanFacts } from './plan-facts.tsx';

const CARRIERS: Carrier[] = ['china_mobile', 'china_unicom', 'china_telecom', 'china_broadnet'];

export function PlansPage() {
  const { t } = useI18n();
  const [carrier, setCarrier] = useState<Carrier | null>(null);
  const { data, error } = useLoad(() => api.plans(), []);
  const plans = (data?.plans ?? []).filter((p) => p.active && (!carrier || p.carrier === carrier));

  const choose = (planId: string, fromSupplier: boolean) => {
    // A supplier's plan is ordered from the supplier's pool, with its terms shown first.
    const to = `/${fromSupplier ? 'buy-from-supplier' : 'buy'}/${encodeURIComponent(planId)}`;
    navigate(session.get('customer') ? to : `/login?next=${encodeURIComponent(to)}`);
  };

  return (
    <>
      <section className="hero">
        <h1>{t('plans.title')}</h1>
        <p>{t('plans.lead')}</p>
      </section>
      <div className="filter-row" role="group" aria-label={t('plans.filter')}>
        {[null, ...CARRIERS].map((c) => (
          <button key={c ?? 'all'} type="button" className={`chip${carrier === c ? ' chip-on' : ''}`} aria-pressed={carrier === c} onClick={() => setCarrier(c)}>
            {c ? t(`carrier.${c}`) : t('plans.all')}
          </button>
        ))}
      </div>
      {error ? <Notice tone="error">{errorText(t, error)}</Notice> : null}
      {!data && !error && <Loading label={t('common.loading')} />}
      <ul className="plan-list">
        {plans.map((p) => (
          <li key={p.id} className="card plan-card">
            <div className="plan-head">
              <div>
                <Badge tone="blue">{t(`carrier.${p.carrier}`)}</Badge>
                <h2>{p.name}</h2>
              </div>
              <p className="price"><strong>{yuan(p.monthlyFeeFen)}</strong><span>{t('plan.perMonth')}</span></p>
            </div>
            <PlanFacts plan={p} />
            {p.fromSupplier && p.disclosure?.length ? (
              <div className="plan-disclosure">
                <Badge tone="amber">{t('plans.fromSupplier')}</Badge>
                <ul aria-label={t('supplier.disclosure')}>{p.disclosure.map((l) => <li key={l}>{l}</li>)}</ul>
              </div>
            ) : null}
            <div className="plan-foot">
              <span className="muted">{p.priceFen > 0 ? t('plan.cardFee', { fee: yuan(p.priceFen) }) : t('plan.cardFree')}</span>
              <Button onClick={() => choose(p.id, p.fromSupplier === true)} aria-label={t('plans.chooseNamed', { name: p.name })}>{t('plans.choose')}</Button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
