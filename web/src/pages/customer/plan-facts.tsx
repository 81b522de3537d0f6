// The facts a customer checks before ordering (the brief: data, minutes, contract period), shown the same everywhere.
import type { Plan } from '../../api.ts';
import { dataSize } from '../../format.ts';
import { useI18n } from '../../i18n/index.ts';

type Facts = Pick<Plan, 'dataMb' | 'voiceMinutes' | 'contractMonths' | 'activationWindowDays' | 'trialDays'>;

export function PlanFacts({ plan }: { plan: Facts }) {
  const { t } = useI18n();
  const rows: [string, string][] = [
    [t('plan.data'), t('plan.dataValue', { size: dataSize(plan.dataMb) })],
    [t('plan.minutes'), plan.voiceMinutes > 0 ? t('plan.minutesValue', { n: plan.voiceMinutes }) : t('plan.noMinutes')],
    [t('plan.contract'), plan.contractMonths > 0 ? t('plan.contractValue', { n: plan.contractMonths }) : t('plan.noContract')],
    [t('plan.activation'), t('plan.activationValue', { n: plan.activationWindowDays })],
    [t('plan.trial'), plan.trialDays > 0 ? t('plan.trialValue', { n: plan.trialDays }) : t('plan.noTrial')],
  ];
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
      ))}
    </dl>
  );
}
