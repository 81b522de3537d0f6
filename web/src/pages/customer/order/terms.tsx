// The terms the order was sold with (购买时的约定): contract, penalty rule, activation window and trial as they were
// when the customer ordered. The server keeps them on the order, so an operator's later edit never shows up here.
import type { Order, OrderTerms } from '../../../api.ts';
import { dataSize, yuan } from '../../../format.ts';
import { useI18n, type T } from '../../../i18n/index.ts';

export function penaltyText(t: T, terms: OrderTerms): string {
  if (terms.contractMonths === 0) return t('terms.penalty.none');
  const rule = terms.penaltyRule;
  return rule.kind === 'fixed' ? t('terms.penalty.fixed', { amount: yuan(rule.fen) }) : t('terms.penalty.share', { percent: rule.percent });
}

export function TermsSection({ order }: { order: Order }) {
  const { t } = useI18n();
  const terms = order.terms;
  const rows: [string, string][] = [
    [t('plan.data'), t('plan.dataValue', { size: dataSize(order.plan.dataMb) })],
    [t('plan.minutes'), order.plan.voiceMinutes > 0 ? t('plan.minutesValue', { n: order.plan.voiceMinutes }) : t('plan.noMinutes')],
    [t('terms.planPrice'), yuan(terms.planPriceFen)],
    [t('terms.monthly'), yuan(terms.monthlyFeeFen)],
    [t('terms.contract'), terms.contractMonths > 0 ? t('plan.contractValue', { n: terms.contractMonths }) : t('plan.noContract')],
    [t('terms.penalty'), penaltyText(t, terms)],
    [t('terms.window'), t('plan.activationValue', { n: terms.activationWindowDays })],
    [t('terms.trial'), terms.trialDays > 0 ? t('plan.trialValue', { n: terms.trialDays }) : t('plan.noTrial')],
  ];
  return (
    <section className="card" aria-labelledby="terms-title" data-testid="order-terms">
      <h2 id="terms-title">{t('terms.title')}</h2>
      <p className="muted">{t('terms.lead')}</p>
      <dl className="facts">
        {rows.map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
        ))}
      </dl>
    </section>
  );
}
